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

/** Every header a server could send to allow it, the retired Private Network Access one included. */
const OPEN: RouteSpec = {
  preflight: {
    status: 204,
    headers: [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Private-Network', 'true']],
  },
  response: { status: 200, body: 'json', headers: [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Private-Network', 'true']] },
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

  it('runs every scenario, and Chromium gives each the verdict it was designed for', () => {
    const chromium = Object.fromEntries(SCENARIOS.map((s) => [s.id, results.has(s.id) ? results.get(s.id)!.chromium : 'unseen']));
    expect(chromium).toEqual(Object.fromEntries(SCENARIOS.map((s) => [s.id, s.expected])));
  });

  it("CORS Doctor names Chromium's own LNA rule for every block, and passes what Chromium passes", () => {
    const extension = Object.fromEntries(
      SCENARIOS.map((s) => {
        const entry = results.get(s.id)?.entry;
        return [s.id, entry ? { blocked: entry.verdict.blocked, rule: entry.verdict.rule } : 'no entry'];
      }),
    );
    const chromium = Object.fromEntries(
      SCENARIOS.map((s) => {
        const rule = results.get(s.id)?.chromium ?? null;
        return [s.id, { blocked: rule !== null, rule }];
      }),
    );
    expect(extension).toEqual(chromium);
  });

  it('says plainly that no server header helps, and explains the permission, targetAddressSpace and iframes', () => {
    for (const scenario of SCENARIOS.filter((s) => s.expected !== null)) {
      const verdict = results.get(scenario.id)!.entry!.verdict;
      expect(verdict.cause?.code, scenario.id).toBe('local-network-access');
      expect(verdict.explanation, scenario.id).toContain('No server header will help');
      const guidance = `${verdict.fix?.summary} ${verdict.fix?.details} ${verdict.fix?.traps.join(' ')}`;
      expect(guidance, scenario.id).toContain('targetAddressSpace');
      expect(guidance, scenario.id).toContain('allow="local-network; loopback-network"');
    }
    expect(results.get('permission-denied')!.entry!.verdict.fix!.details).toContain('wants to access other apps and services on this device');
  });

  it('a blocked request never reaches the server, so its headers (even Access-Control-Allow-Private-Network) cannot matter', () => {
    const reached = (id: string) => lab.requests({ origin: 'api' }).filter((r) => r.path.includes(`/lna/${id}`)).length;
    expect(Object.fromEntries(SCENARIOS.map((s) => [s.id, reached(s.id) > 0]))).toEqual(Object.fromEntries(SCENARIOS.map((s) => [s.id, s.expected === null])));
  });

  it('the preflight of a granted local-network request is a plain CORS preflight: Chromium 156 sends no Private Network Access header', () => {
    const preflights = lab.requests({ origin: 'api', method: 'OPTIONS' }).filter((r) => r.path.includes('/lna/permission-granted-preflight'));
    expect(preflights).toHaveLength(1);
    expect(preflights[0]!.headers.map(([name]) => name.toLowerCase())).not.toContain('access-control-request-private-network');
    const entry = results.get('permission-granted-preflight')!.entry!;
    expect(entry.preflight?.response?.status).toBe(204);
    // The obsolete header on the answer is a warning, not a requirement.
    expect(entry.verdict.warnings.map((w) => w.code)).toContain('private-network-header');
  });
});
