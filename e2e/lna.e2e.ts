/**
 * Local Network Access against Chromium's own verdict. `--ip-address-space-overrides` makes the lab's
 * page origin (127.0.0.1:PORT) count as public, so a fetch from it to the api origin (another loopback
 * port) is a public → loopback request, exactly as a deployed site calling a local device or dev server.
 * Every scenario compares `Network.loadingFailed.corsErrorStatus` with the rule in CORS Doctor's report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineRouteUrl, startLab, type Lab, type RouteSpec } from '../lab/server';
import type { ReportEntry } from '../src/shared/report';
import { launchWithExtension, recordChromiumVerdicts, waitFor, type ExtensionBrowser, type Page } from './harness';

/** A name Chromium resolves to the page's loopback address, so that page is not a secure context. */
const INSECURE_HOST = 'lab-insecure.test';

const OPEN: RouteSpec = {
  preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT']] },
  response: { status: 200, body: 'json', headers: [['Access-Control-Allow-Origin', '*']] },
};

interface Scenario {
  id: string;
  init: RequestInit & { targetAddressSpace?: string };
  /** Chromium's expected corsError (null: the request passes). */
  expected: string | null;
  granted?: boolean;
  insecurePage?: boolean;
}

const SCENARIOS: Scenario[] = [
  { id: 'permission-denied', init: {}, expected: 'LocalNetworkAccessPermissionDenied' },
  { id: 'permission-denied-preflight', init: { method: 'PUT', body: 'x' }, expected: 'LocalNetworkAccessPermissionDenied' },
  { id: 'target-loopback-denied', init: { targetAddressSpace: 'loopback' }, expected: 'LocalNetworkAccessPermissionDenied' },
  { id: 'target-local-mismatch', init: { targetAddressSpace: 'local' }, expected: 'InvalidLocalNetworkAccess' },
  { id: 'target-public-mismatch', init: { targetAddressSpace: 'public' }, expected: 'InvalidLocalNetworkAccess' },
  { id: 'insecure-page', init: {}, expected: 'InsecureLocalNetwork', insecurePage: true },
  { id: 'permission-granted', init: {}, expected: null, granted: true },
  { id: 'permission-granted-preflight', init: { method: 'PUT', body: 'x' }, expected: null, granted: true },
];

describe('Local Network Access: CORS Doctor agrees with Chromium', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  const results = new Map<string, { chromium: string | null; errorText: string | null; entry: ReportEntry | undefined }>();

  async function runOn(page: Page, scenarios: Scenario[]) {
    const recorder = await recordChromiumVerdicts(browser.context, page);
    const tabId = await browser.tabIdOf(page);
    const urls = new Map(scenarios.map((s) => [s.id, inlineRouteUrl(lab.origins.api, OPEN, `lna/${s.id}`)]));
    for (const scenario of scenarios) {
      await page.evaluate(
        async ([url, init]) => {
          try {
            await (await fetch(url, init as RequestInit)).text();
          } catch {
            // The block is what is measured.
          }
        },
        [urls.get(scenario.id)!, scenario.init] as const,
      );
    }
    const settled = () => scenarios.every((s) => recorder.forUrl(urls.get(s.id)!).some((v) => v.method !== 'OPTIONS' && v.finished));
    await waitFor(settled, Boolean, { what: 'Chromium verdicts' });
    const report = await waitFor(
      () => browser.sendMessage<{ entries: ReportEntry[] }>({ type: 'getReport', tabId }),
      (r) => scenarios.every((s) => r.entries.some((e) => e.request.url === urls.get(s.id) && e.request.method !== 'OPTIONS')),
      { what: 'report entries' },
    );
    for (const scenario of scenarios) {
      const url = urls.get(scenario.id)!;
      const chromium = recorder.forUrl(url).find((v) => v.method !== 'OPTIONS')!;
      const entry = report.entries.find((e) => e.request.url === url && e.request.method !== 'OPTIONS');
      results.set(scenario.id, { chromium: chromium.corsError, errorText: chromium.errorText, entry });
    }
    await recorder.cdp.detach();
  }

  beforeAll(async () => {
    lab = await startLab();
    const pagePort = new URL(lab.origins.page).port;
    browser = await launchWithExtension({
      args: [`--ip-address-space-overrides=127.0.0.1:${pagePort}=public`, `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`],
    });
    const secure = await browser.context.newPage();
    await secure.goto(`${lab.origins.page}/blank`);
    await runOn(secure, SCENARIOS.filter((s) => !s.granted && !s.insecurePage));
    await browser.context.grantPermissions(['local-network-access'], { origin: lab.origins.page });
    await runOn(secure, SCENARIOS.filter((s) => s.granted));
    await browser.context.clearPermissions();
    const insecure = await browser.context.newPage();
    await insecure.goto(`http://${INSECURE_HOST}:${pagePort}/blank`);
    await runOn(insecure, SCENARIOS.filter((s) => s.insecurePage));
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('dump', () => {
    for (const [id, r] of results) console.log(id, r.chromium, r.errorText, r.entry?.error, r.entry?.verdict.rule, r.entry?.verdict.kind, JSON.stringify(r.entry?.preflight?.request.headers), JSON.stringify(r.entry?.request.headers));
  });
});
