import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lab/server';
import { validateHar } from '../test-support/har-validate';
import type { Har } from '../src/report/har';
import type { ExportResult } from '../src/shared/messages';
import type { Report } from '../src/shared/report';
import { launchWithExtension, type ExtensionBrowser } from './harness';
import { curlBlocks, E2E_SECRETS, explanationParts, parseCurlHead, runCurl, runScenario, schemaErrors, secretForms, type Scenario } from './export-scenario';

describe('exports through the message API, from real traffic', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let scenario: Scenario;
  let report: Report;

  const exportAs = (format: 'markdown' | 'json' | 'har', includeSecrets?: boolean) =>
    browser.sendMessage<ExportResult>({ type: 'exportReport', tabId: scenario.tabId, format, ...(includeSecrets === undefined ? {} : { includeSecrets }) });

  beforeAll(async () => {
    lab = await startLab();
    // CORS_DOCTOR_DIST lets a build in another directory be tested while dist/ is in use.
    browser = await launchWithExtension({ distDir: process.env.CORS_DOCTOR_DIST });
    scenario = await runScenario(lab, browser);
    report = await browser.sendMessage<Report>({ type: 'getReport', tabId: scenario.tabId });
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('captured the failures the exports are about', () => {
    const rules = report.entries.filter((e) => e.verdict.blocked).map((e) => e.verdict.rule);
    expect(rules.sort()).toEqual([...scenario.expectedRules].sort());
  });

  it('Markdown names each failure with its rule, explanation and fix', async () => {
    const markdown = await exportAs('markdown');
    expect(markdown.filename).toMatch(/^cors-doctor-.+\.md$/);
    expect(markdown.mimeType).toMatch(/^text\/markdown/);
    // The explanations as the export shows them are the redacted ones, as in the JSON export.
    const redacted = JSON.parse((await exportAs('json')).text) as Report;
    const failures = redacted.entries.filter((e) => e.verdict.blocked);
    expect(failures).toHaveLength(3);
    for (const failure of failures) {
      expect(markdown.text).toContain(`\`${failure.verdict.rule}\``);
      for (const part of explanationParts(failure.verdict.explanation)) expect(markdown.text).toContain(part);
      expect(failure.verdict.fix).not.toBeNull();
      expect(markdown.text).toContain(failure.verdict.fix!.summary.replace(/\s+/g, ' ').trim());
    }
    expect(markdown.text).toMatch(/\*\*Browser:\*\* Chrom\w+ \d+/);
    expect(markdown.text).toContain(`**Blocked by CORS:** 3`);
  });

  it("Markdown's curl commands reproduce what the browser sent, and the lab answers them as it answered the browser", async () => {
    const { text } = await exportAs('markdown');
    const blocks = curlBlocks(text);
    const preflight = blocks.find((b) => b.includes('-X OPTIONS') && b.includes('/export/orders/17'));
    expect(preflight, 'a preflight curl for the PUT').toBeDefined();
    const before = lab.requests().length;
    const preflightHead = parseCurlHead(await runCurl(preflight!));
    expect(preflightHead.status).toBe(204);
    expect(preflightHead.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(preflightHead.headers.get('access-control-allow-origin')).toBe(lab.origins.page);

    const missing = blocks.find((b) => b.includes('/export/orders?') && !b.includes('OPTIONS'));
    expect(missing, 'an actual-request curl for the GET').toBeDefined();
    const missingHead = parseCurlHead(await runCurl(missing!));
    expect(missingHead.status).toBe(200);
    expect(missingHead.headers.has('access-control-allow-origin')).toBe(false);

    const redirect = blocks.find((b) => b.includes('/export/moved'));
    expect(redirect).toBeDefined();
    const redirectHead = parseCurlHead(await runCurl(redirect!));
    expect(redirectHead.status).toBe(302);
    expect(redirectHead.headers.get('location')).toContain('/export/final');

    // The lab saw what the browser sends: OPTIONS with Origin and the Access-Control-Request-* headers.
    const fromCurl = lab.requests().slice(before);
    const sentPreflight = fromCurl.find((r) => r.method === 'OPTIONS');
    expect(sentPreflight).toBeDefined();
    const header = (name: string) => sentPreflight!.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    expect(header('origin')).toBe(lab.origins.page);
    expect(header('access-control-request-method')).toBe('PUT');
    expect(header('access-control-request-headers')).toBe('authorization,content-type');
  });

  it("Markdown's curl is minimal: what decides the CORS outcome, no browser noise, and the expected-vs-actual lines as comments", async () => {
    const { text } = await exportAs('markdown');
    const blocks = curlBlocks(text);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) expect(block).not.toMatch(/-H '(User-Agent|sec-ch-ua[\w-]*|Accept-Language|Sec-Fetch-[\w-]+|Referer|Accept-Encoding):/i);
    const preflight = blocks.find((b) => b.includes('-X OPTIONS') && b.includes('/export/orders/17'))!;
    expect(preflight).toContain('# expected  Access-Control-Allow-Headers: includes authorization');
    expect(preflight).toContain('# actual    Access-Control-Allow-Headers: content-type');
    const missing = blocks.find((b) => b.includes('/export/orders?') && !b.includes('OPTIONS'))!;
    expect(missing).toMatch(/# actual {4}Access-Control-Allow-Origin: \(absent\)/);
  });

  it('Markdown shows the fix in the stack passed through the message API, the first one without it', async () => {
    const send = (stack?: string) =>
      browser.sendMessage<ExportResult>({ type: 'exportReport', tabId: scenario.tabId, format: 'markdown', ...(stack === undefined ? {} : { stack }) });
    const nginx = (await send('nginx')).text;
    expect(nginx).toContain('```nginx');
    expect(nginx).not.toContain("require('cors')");
    const first = (await send()).text;
    expect(first).toContain("require('cors')");
    expect(first).not.toContain('```nginx');
  });

  it('JSON is the report and validates against docs/report.schema.json', async () => {
    const json = await exportAs('json');
    expect(json.mimeType).toMatch(/^application\/json/);
    const parsed = JSON.parse(json.text) as Report;
    expect(schemaErrors(parsed)).toEqual([]);
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.entries.map((e) => e.id).sort()).toEqual(report.entries.map((e) => e.id).sort());
    expect(schemaErrors(JSON.parse((await exportAs('json', true)).text))).toEqual([]);
  });

  it('HAR parses, is structurally valid, and holds every exchange: preflights, redirect hops, actual requests', async () => {
    const harResult = await exportAs('har');
    expect(harResult.filename).toMatch(/\.har$/);
    const har = JSON.parse(harResult.text) as Har;
    expect(validateHar(har)).toEqual([]);
    for (const entry of report.entries) {
      const parts = har.log.entries.filter((e) => e._cors.exchangeId === entry.id);
      expect(parts.length, `HAR entries of ${entry.request.url}`).toBeGreaterThan(0);
      expect(parts.filter((p) => p._cors.part === 'preflight')).toHaveLength(entry.preflight ? 1 : 0);
      expect(parts.filter((p) => p._cors.part === 'redirect')).toHaveLength(entry.redirects.length);
      expect(parts[parts.length - 1]!._cors.verdict?.rule ?? null).toBe(entry.verdict.rule);
    }
    const put = har.log.entries.find((e) => e.request.method === 'PUT')!;
    expect(put.response.status).toBe(0);
    expect(put._error).toMatch(/^net::/);
    const hop = har.log.entries.find((e) => e._cors.part === 'redirect')!;
    expect(hop.response.status).toBe(302);
    expect(hop.response.redirectURL).toContain('token=[redacted]');
  });

  it('leaks no secret from the traffic by default, in any format, and keeps them all when asked', async () => {
    const raw = JSON.stringify(report);
    // The secrets really were in the traffic the extension captured.
    for (const secret of Object.values(E2E_SECRETS)) expect(raw).toContain(secret);
    for (const format of ['markdown', 'json', 'har'] as const) {
      for (const explicitDefault of [undefined, false]) {
        const { text } = await exportAs(format, explicitDefault);
        for (const form of secretForms()) expect(text, `${format} leaks ${form}`).not.toContain(form);
        expect(text).toContain('[redacted]');
      }
    }
    const everything = (await exportAs('json', true)).text;
    for (const secret of Object.values(E2E_SECRETS)) expect(everything).toContain(secret);
    const har = (await exportAs('har', true)).text;
    expect(har).toContain(E2E_SECRETS.bearer);
  });
});
