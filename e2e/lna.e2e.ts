/**
 * Local Network Access against Chromium's own verdict. `--ip-address-space-overrides` makes the lab's
 * page origin (127.0.0.1:PORT) count as public, so a fetch from it to the api origin (another loopback
 * port) is a public → loopback request, exactly as a deployed site calling a local device or dev server.
 * Every scenario compares `Network.loadingFailed.corsErrorStatus` with the rule in CORS Doctor's report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    headers: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Access-Control-Allow-Private-Network', 'true'],
    ],
  },
  response: {
    status: 200,
    body: 'json',
    headers: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Private-Network', 'true'],
    ],
  },
};

const DOC_PATH = join(import.meta.dirname, '..', 'docs', 'local-network-access.md');

interface Scenario {
  id: string;
  /** What the page does, for docs/local-network-access.md. */
  what: string;
  init: RequestInit & { targetAddressSpace?: string };
  /** Chromium's expected corsError (null: the request passes). */
  expected: string | null;
  granted?: boolean;
  insecurePage?: boolean;
}

const SCENARIOS: Scenario[] = [
  { id: 'permission-denied', what: 'GET, no permission', init: {}, expected: 'LocalNetworkAccessPermissionDenied' },
  {
    id: 'permission-denied-preflight',
    what: 'PUT (preflighted), no permission',
    init: { method: 'PUT', body: 'x' },
    expected: 'LocalNetworkAccessPermissionDenied',
  },
  {
    id: 'target-loopback-denied',
    what: "GET, `targetAddressSpace: 'loopback'` (right), no permission",
    init: { targetAddressSpace: 'loopback' },
    expected: 'LocalNetworkAccessPermissionDenied',
  },
  {
    id: 'target-local-mismatch',
    what: "GET, `targetAddressSpace: 'local'` to a loopback host",
    init: { targetAddressSpace: 'local' },
    expected: 'InvalidLocalNetworkAccess',
  },
  {
    id: 'target-public-mismatch',
    what: "GET, `targetAddressSpace: 'public'` to a loopback host",
    init: { targetAddressSpace: 'public' },
    expected: 'InvalidLocalNetworkAccess',
  },
  { id: 'insecure-page', what: 'GET from a non-secure (http, not loopback-named) page', init: {}, expected: 'InsecureLocalNetwork', insecurePage: true },
  { id: 'permission-granted', what: 'GET, permission granted', init: {}, expected: null, granted: true },
  { id: 'permission-granted-preflight', what: 'PUT (preflighted), permission granted', init: { method: 'PUT', body: 'x' }, expected: null, granted: true },
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
    await runOn(
      secure,
      SCENARIOS.filter((s) => !s.granted && !s.insecurePage),
    );
    await browser.context.grantPermissions(['local-network-access'], { origin: lab.origins.page });
    await runOn(
      secure,
      SCENARIOS.filter((s) => s.granted),
    );
    await browser.context.clearPermissions();
    const insecure = await browser.context.newPage();
    await insecure.goto(`http://${INSECURE_HOST}:${pagePort}/blank`);
    await runOn(
      insecure,
      SCENARIOS.filter((s) => s.insecurePage),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('writes docs/local-network-access.md from what it measured', async () => {
    const version = ((await (await browser.context.newCDPSession(await browser.extensionPage())).send('Browser.getVersion')) as { product: string }).product;
    writeFileSync(
      DOC_PATH,
      renderDoc(version.replace(/^(Headless)?Chrome\//, 'Chromium '), SCENARIOS, results, (id) =>
        lab.requests({ origin: 'api' }).some((r) => r.path.includes(`/lna/${id}`)),
      ),
    );
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
    expect(results.get('permission-denied')!.entry!.verdict.fix!.details).toContain('permission prompt');
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

function renderDoc(
  chromium: string,
  scenarios: readonly Scenario[],
  results: ReadonlyMap<string, { chromium: string | null; entry: ReportEntry | undefined }>,
  reachedServer: (id: string) => boolean,
): string {
  const cell = (value: string | null | undefined) => (value ? `\`${value}\`` : 'pass');
  const rows = scenarios.map((s) => {
    const result = results.get(s.id);
    const entry = result?.entry;
    const seen = entry ? (entry.preflight?.error ?? entry.error ?? 'completed') : '(no entry)';
    return `| ${s.what} | ${cell(result?.chromium)} | \`${seen}\` | ${cell(entry?.verdict.rule)} | ${reachedServer(s.id) ? 'yes' : 'no'} |`;
  });
  return `# Local Network Access

<!-- Generated by e2e/lna.e2e.ts (part of \`npm test\`). Do not edit by hand. -->

Since Chrome 142, a page on a public address that requests a local (LAN) or loopback address needs the user's permission: **Local Network Access** (WICG, <https://wicg.github.io/local-network-access/>). It replaced Private Network Access and its \`Access-Control-Request-Private-Network\` preflight header. **No server header helps**: the check runs when Chromium connects, before the request reaches the server, so \`Access-Control-Allow-Origin\`, \`Access-Control-Allow-Private-Network\` and anything else the server could send never get read.

## What blocks, and what to do

- **The permission prompt.** On a secure (https) page Chromium shows a permission prompt once per site, asking whether it may reach devices on the local network (LAN addresses, the \`local-network\` permission) or apps and services on this device (loopback addresses, \`loopback-network\`; Chrome 145 split the two). If the user has not allowed it, or blocked it, the request fails with \`LocalNetworkAccessPermissionDenied\`. The choice lives in the site settings (the lock icon); administrators can allow sites with the \`LocalNetworkAccessAllowedForUrls\` policy.
- **Non-secure pages** (plain http on a public name) cannot get the permission at all: \`InsecureLocalNetwork\`. Serve the page over https.
- **\`targetAddressSpace\`.** \`fetch(url, { targetAddressSpace: 'local' })\` (or \`'loopback'\`) declares where the page expects the host to be; it also lets an https page reach a plain-http device once permitted. If the host resolves elsewhere, Chromium fails the request: \`InvalidLocalNetworkAccess\`. Fix the declaration (or leave it out).
- **Iframes** get the permission only when the embedding page delegates it through Permissions Policy: \`<iframe src="…" allow="local-network; loopback-network">\` (older name: \`local-network-access\`), and the embedder's own \`Permissions-Policy\` header must not block it.

## Measured: Chromium's verdict and CORS Doctor's

${chromium}, with \`--ip-address-space-overrides=127.0.0.1:PORT=public\`, which makes the lab's page origin count as public; the target is the lab's api origin (\`localhost\`, loopback). The server answers every request with every CORS header and \`Access-Control-Allow-Private-Network: true\`. "Permission granted" uses the DevTools protocol's \`local-network-access\` permission, as if the user had clicked Allow.

| The page does | Chromium (\`corsErrorStatus\`) | webRequest showed the extension | CORS Doctor | Reached the server |
|---|---|---|---|---|
${rows.join('\n')}

What an extension can tell apart: a blocked simple request ends with \`net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS\`, and the page's secure context separates a missing permission from an insecure page. A \`targetAddressSpace\` mismatch ends with \`net::ERR_FAILED\` after the request headers went out and before any response; a blocked preflight ends with \`net::ERR_FAILED\` without a response. CORS Doctor names these from that evidence (confidence "inferred"), and always adds the cause "Local Network Access, not a CORS header". The absence of a response is evidence only when the extension saw the request through: when Chromium stopped the extension's service worker while the request ran, the response's event may simply have been discarded. Such an entry is partial, and its verdict says the rule cannot be named ("network error"), never a Local Network Access rule (docs/reliability.md). A granted request's preflight is an ordinary CORS preflight: Chromium sends no Private Network Access header any more.
`;
}
