/**
 * The engine outside the browser, checked against the browser in the same run:
 * - `cors-doctor check` for every CORS lab card (broken and fixed) gives the verdict Chromium gave
 *   the same request (`Network.loadingFailed.corsErrorStatus`);
 * - a HAR of that very traffic, built from the DevTools protocol events DevTools exports HAR from,
 *   is diagnosed by `cors-doctor har` as the extension's getReport diagnosed it;
 * - the extension's own HAR export reads back with the same verdicts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVariant, mountGallery, type GalleryRequest, type ResolvedCase, type VariantName } from '../lab/gallery';
import { startLab, type Lab } from '../lab/server';
import { runCli, type CliIo } from '../src/cli/main';
import { nodeTransport } from '../src/cli/transport';
import { importHar } from '../src/har/import';
import type { ExportResult } from '../src/shared/messages';
import type { Report, ReportEntry } from '../src/shared/report';
import { recordHar } from './devtools-har';
import { fetchFrom, launchWithExtension, recordChromiumVerdicts, waitFor, type ExtensionBrowser } from './harness';

const DOCS = resolve(import.meta.dirname, '..', 'docs');

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(resolve(DOCS, 'report.schema.json'), 'utf8')));
const validateCli = ajv.compile(JSON.parse(readFileSync(resolve(DOCS, 'cli.schema.json'), 'utf8')));
/** ajv against docs/cli.schema.json (which reuses report.schema.json's verdict): the errors, empty when valid. */
const cliSchemaErrors = (value: unknown) => (validateCli(value) ? [] : (validateCli.errors ?? []));
const reportSchemaErrors = (value: unknown) => (validateReport(value) ? [] : (validateReport.errors ?? []));

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI's transport; in the suite it also trusts the lab's self-signed https certificate. */
let transport = nodeTransport();

async function cli(argv: string[], files: Record<string, string> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readFile: (path) => {
      if (path in files) return files[path]!;
      throw new Error(`ENOENT: no such file, open '${path}'`);
    },
    writeFile: () => {
      throw new Error('not used');
    },
    transport,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** The command line that makes the request the gallery page makes for this card. */
function checkArgs(request: GalleryRequest, url: string, origin: string): string[] {
  const args = ['check', url, '--origin', origin, '--json'];
  if (request.kind === 'fetch' || request.kind === 'xhr') {
    if (request.method) args.push('--method', request.method);
    for (const [name, value] of request.headers ?? []) args.push('--header', `${name}: ${value}`);
    if (request.body !== undefined) args.push('--body', request.body);
    if ((request.kind === 'fetch' && request.credentials === 'include') || (request.kind === 'xhr' && request.withCredentials)) args.push('--credentials');
  }
  // Fonts, crossorigin images and module scripts are CORS GETs without credentials.
  return args;
}

/**
 * Why the command line cannot make this request as the page does, or null when it can. Both are
 * decided in the browser before any server answer matters, so the CLI has nothing to send for them.
 */
function notReproducibleByCli(request: GalleryRequest): string | null {
  if (request.kind !== 'fetch') return null;
  if (isNoCorsLesson(request)) return "mode: 'no-cors' makes no CORS check at all: the page gets an opaque response";
  if (request.targetAddressSpace !== undefined) return 'targetAddressSpace is checked by the browser against the address it connects to (Local Network Access)';
  return null;
}

/** The lab's no-cors lesson: no CORS check, so neither the CLI nor the HAR importer judges it. */
function isNoCorsLesson(request: GalleryRequest): boolean {
  return request.kind === 'fetch' && request.mode === 'no-cors';
}

/**
 * Why a DevTools HAR cannot show this request's verdict, or null when it can: the importer skips
 * no-cors requests (no CORS check), and a request Local Network Access refused before it went out
 * has only provisional headers in a HAR, which the importer reads as never sent.
 */
function notReadableFromHar(request: GalleryRequest, verdict: ReportEntry['verdict']): string | null {
  if (isNoCorsLesson(request)) return 'no-cors requests are skipped by the HAR importer';
  if (request.kind === 'fetch' && request.targetAddressSpace !== undefined && verdict.blocked) return 'refused by Local Network Access before it was sent';
  return null;
}

function key(c: ResolvedCase, variant: VariantName): string {
  return `${c.id}/${variant}`;
}

/** The comparable part of a verdict. */
function verdictKey(entry: Pick<ReportEntry, 'verdict'>): string {
  const v = entry.verdict;
  return `${v.kind}:${v.blocked ? `${v.rule}(${v.failedParameter})` : '-'}`;
}

describe('cors-doctor against the CORS lab and Chromium', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let cases: ResolvedCase[];
  const chromium = new Map<string, { corsError: string | null; failedParameter: string | null; errorText: string | null }>();
  let devtoolsHar: { log: Record<string, unknown> };
  let extensionReport: Report;
  let extensionHar: string;

  beforeAll(async () => {
    lab = await startLab();
    transport = nodeTransport({ extraCa: [lab.tls.cert] });
    const mounted = mountGallery(lab);
    cases = mounted.cases;
    browser = await launchWithExtension({ args: lab.tls.chromiumArgs });
    const page = await browser.context.newPage();
    await page.goto(mounted.url);
    const recorder = await recordChromiumVerdicts(browser.context, page);
    const harRecorder = await recordHar(recorder.cdp);
    const firstUrl = new Map<string, string>();
    recorder.cdp.on('Network.requestWillBeSent', (event) => {
      if (!firstUrl.has(event.requestId)) firstUrl.set(event.requestId, event.request.url);
    });
    await page.click('#run-all');
    await page.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
    // The page's promise can settle a moment before Chromium's loadingFailed / loadingFinished.
    await waitFor(
      () => harRecorder.pending(),
      (n) => n === 0,
      { what: 'every request to finish in CDP' },
    );
    for (const verdict of recorder.verdicts.values()) {
      if (verdict.method === 'OPTIONS') continue;
      const found = findVariant(cases, firstUrl.get(verdict.requestId) ?? verdict.url);
      if (found) chromium.set(key(found.galleryCase, found.variant), verdict);
    }
    devtoolsHar = harRecorder.har();
    const tabId = await browser.tabIdOf(page);
    const expected = cases.length * 2;
    extensionReport = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (report) => report.entries.filter((e) => findVariant(cases, e.request.url)).length >= expected,
      { what: 'the extension to log every card', timeoutMs: 30_000 },
    );
    extensionHar = (await browser.sendMessage<ExportResult>({ type: 'exportReport', tabId, format: 'har' })).text;
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it("`check` gives Chromium's verdict for every card, broken and fixed", async () => {
    const origin = lab.origins.page;
    const actual: Record<string, string> = {};
    const expected: Record<string, string> = {};
    const skipped: string[] = [];
    for (const c of cases) {
      for (const variant of ['broken', 'fixed'] as const) {
        const resolved = c[variant];
        if (notReproducibleByCli(resolved.request)) {
          skipped.push(key(c, variant));
          continue;
        }
        const result = await cli(checkArgs(resolved.request, resolved.url, origin));
        const json = JSON.parse(result.stdout) as {
          allowed: boolean;
          verdict?: { rule: string | null; failedParameter: string };
          error?: { netError: string };
        };
        expect(cliSchemaErrors(json), `${key(c, variant)} --json matches docs/cli.schema.json`).toEqual([]);
        const oracle = chromium.get(key(c, variant));
        expect(oracle, `Chromium ran ${key(c, variant)}`).toBeDefined();
        const compareParameter = variant === 'broken' && resolved.expected?.failedParameter !== undefined;
        actual[key(c, variant)] = json.verdict
          ? `exit ${result.code}: ${json.verdict.rule ?? 'allowed'}${compareParameter ? ` (${json.verdict.failedParameter})` : ''}`
          : `exit ${result.code}: network error ${json.error?.netError}`;
        // A network error (no CORS error, a net error other than CORS's ERR_FAILED) exits 2 with Chromium's name for it.
        expected[key(c, variant)] = oracle!.corsError
          ? `exit 1: ${oracle!.corsError}${compareParameter ? ` (${oracle!.failedParameter})` : ''}`
          : oracle!.errorText !== null && oracle!.errorText !== 'net::ERR_FAILED'
            ? `exit 2: network error ${oracle!.errorText}`
            : 'exit 0: allowed';
      }
    }
    expect(actual).toEqual(expected);
    // Only the cards that say why are left out, and only those two lessons.
    expect(skipped.sort()).toEqual(['local-network-target/broken', 'local-network-target/fixed', 'no-cors-opaque/broken']);
    // The lab's cards block for real: the comparison is not between two "allowed" columns.
    expect(Object.values(expected).filter((v) => v.startsWith('exit 1')).length).toBeGreaterThanOrEqual(18);
  });

  it("`har` on a DevTools-protocol HAR of the same traffic agrees with the extension's getReport", () => {
    const imported = importHar(devtoolsHar).report;
    const fromHar = new Map<string, string>();
    for (const entry of imported.entries) {
      const found = findVariant(cases, entry.request.url);
      if (found) fromHar.set(key(found.galleryCase, found.variant), verdictKey(entry));
    }
    const fromExtension = new Map<string, string>();
    let unreadable = 0;
    for (const entry of extensionReport.entries) {
      const found = findVariant(cases, entry.request.url);
      if (!found) continue;
      if (notReadableFromHar(found.galleryCase[found.variant].request, entry.verdict)) {
        unreadable++;
        continue;
      }
      fromExtension.set(key(found.galleryCase, found.variant), verdictKey(entry));
    }
    // The no-cors lesson and the Local Network Access refusal: the only two a HAR cannot show.
    expect(unreadable).toBe(2);
    expect(fromExtension.size).toBe(cases.length * 2 - unreadable);
    expect(Object.fromEntries(fromHar)).toEqual(Object.fromEntries(fromExtension));
    // Preflights were paired, not judged as requests of their own.
    expect(imported.entries.every((entry) => entry.request.method !== 'OPTIONS')).toBe(true);
    expect(imported.entries.filter((entry) => entry.preflight !== null).length).toBe(
      extensionReport.entries.filter((entry) => findVariant(cases, entry.request.url) && entry.preflight !== null).length,
    );
  });

  it('`har` reads the extension’s own HAR export back with the same verdicts, and exits 1 on failures', async () => {
    const result = await cli(['har', 'export.har', '--format', 'json'], { 'export.har': extensionHar });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    // A logged no-cors fetch (the opaque-response warning) has no CORS check for the importer to judge.
    const readable = (e: ReportEntry) => {
      const found = findVariant(cases, e.request.url);
      if (found === null) return false;
      return !isNoCorsLesson(found.galleryCase[found.variant].request);
    };
    const byUrl = (entries: readonly ReportEntry[]) => Object.fromEntries(entries.filter(readable).map((e) => [e.request.url, verdictKey(e)]));
    expect(byUrl(report.entries)).toEqual(byUrl(extensionReport.entries));
    expect(report.notices?.some((n) => /credentials mode/.test(n))).toBe(true);
  });

  it('sends the preflight and the request with the header lines Chromium sends (as the lab received them)', async () => {
    const allow = {
      status: 204,
      headers: [
        ['Access-Control-Allow-Origin', '{origin}'],
        ['Access-Control-Allow-Methods', 'PUT'],
        ['Access-Control-Allow-Headers', 'x-b, X-A, content-type'],
        ['Vary', 'Origin'],
      ] as Array<[string, string]>,
    };
    const answer = {
      status: 307,
      headers: [
        ['Access-Control-Allow-Origin', '{origin}'],
        ['Vary', 'Origin'],
      ] as Array<[string, string]>,
      redirect: { to: '/wire/target', status: 307 },
    };
    lab.route('api', '/wire/chromium', { preflight: allow, response: answer });
    lab.route('api', '/wire/cli', { preflight: allow, response: answer });
    lab.route('api', '/wire/target', { preflight: allow, response: { status: 200, body: 'json', headers: [['Access-Control-Allow-Origin', '{origin}']] } });
    const headers: Array<[string, string]> = [
      ['X-B', 'two'],
      ['x-a', 'one'],
      ['Content-Type', 'application/json'],
    ];
    const page = await browser.context.newPage();
    await page.goto(lab.page('/wire-page', '<!doctype html><title>wire</title>'));
    expect(await fetchFrom(page, `${lab.origins.api}/wire/chromium`, { method: 'PUT', headers, body: '{}' })).toBe(200);
    await page.close();
    const viaChromium = lab.requests({ origin: 'api' }).filter((r) => r.path.startsWith('/wire/'));
    const result = await cli([
      'check',
      `${lab.origins.api}/wire/cli`,
      '--origin',
      lab.origins.page,
      '--method',
      'PUT',
      '--body',
      '{}',
      ...headers.flatMap(([n, v]) => ['--header', `${n}: ${v}`]),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const viaCli = lab
      .requests({ origin: 'api' })
      .filter((r) => r.path.startsWith('/wire/'))
      .slice(viaChromium.length);
    // The lines CORS depends on, with their values; the rest (User-Agent, Referer, client hints) is the browser's own.
    const CORS_LINES = [
      'origin',
      'access-control-request-method',
      'access-control-request-headers',
      'sec-fetch-mode',
      'sec-fetch-site',
      'sec-fetch-dest',
      'accept',
      'content-type',
      'x-a',
      'x-b',
      'cookie',
      'authorization',
    ];
    const wire = (requests: typeof viaChromium) =>
      requests.map((r) => ({
        method: r.method,
        path: r.path.replace(/\/wire\/(chromium|cli)$/, '/wire/first'),
        lines: r.headers
          .filter(([name]) => CORS_LINES.includes(name.toLowerCase()))
          .map(([name, value]) => `${name.toLowerCase()}: ${value}`)
          .sort(),
      }));
    expect(wire(viaCli)).toEqual(wire(viaChromium));
    // Preflight, 307 to the target, its own preflight, the request there: four requests each.
    expect(viaChromium.map((r) => `${r.method} ${r.path}`)).toEqual([
      'OPTIONS /wire/chromium',
      'PUT /wire/chromium',
      'OPTIONS /wire/target',
      'PUT /wire/target',
    ]);
  });

  it('policy checks: a violation fails the run with a table, a kept policy passes', async () => {
    const api = lab.origins.api;
    const policy = `
baseUrl: ${api}/cors-lab
endpoints:
  - path: /wrong-origin
    allow: [https://app.example.com]
    refuse: [https://evil.example]
  - path: /json-content-type/fixed
    method: POST
    headers: { Content-Type: application/json }
    allow: ["${lab.origins.page}"]
`;
    const kept = await cli(['check', '--config', 'policy.yaml'], { 'policy.yaml': policy });
    expect(kept.stderr).toBe('');
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/All 3 origin checks pass\./);

    // The fixed JSON endpoint echoes any Origin: a policy that says evil.example must be refused catches it.
    const strict = policy + '    refuse: [https://evil.example]\n';
    const violated = await cli(['check', '--config', 'policy.yaml'], { 'policy.yaml': strict });
    expect(violated.code).toBe(1);
    const failing = violated.stdout.split('\n').filter((line) => line.startsWith('FAIL'));
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/POST\s+https:\/\/evil\.example\s+refused\s+allowed/);
    expect(violated.stdout).toMatch(/1 of 4 origin checks violate the policy\./);
    const asJson = await cli(['check', '--config', 'policy.yaml', '--json'], { 'policy.yaml': strict });
    expect(asJson.code).toBe(1);
    expect(cliSchemaErrors(JSON.parse(asJson.stdout))).toEqual([]);
  });

  it('the documented example policy (examples/cors-policy.yaml) finds its two violations in the lab', async () => {
    const file = resolve(import.meta.dirname, '..', 'examples', 'cors-policy.yaml');
    const result = await cli(['check', '--config', file, '--base-url', `${lab.origins.api}/cors-lab`], { [file]: readFileSync(file, 'utf8') });
    expect(result.code).toBe(1);
    const rows = result.stdout
      .split('\n')
      .filter((line) => /^(ok|FAIL|ERROR) /.test(line))
      .map((line) =>
        line
          .split(/\s{2,}/)
          .slice(0, 6)
          .join(' | '),
      );
    expect(rows).toEqual([
      'ok | wrong-origin (allow-list of one) | GET | https://app.example.com | allowed | allowed',
      'ok | wrong-origin (allow-list of one) | GET | https://evil.example | refused | refused',
      'ok | json-content-type/fixed | POST | https://app.example.com | allowed | allowed',
      'FAIL | json-content-type/fixed | POST | https://evil.example | refused | allowed',
      'ok | wildcard-with-credentials/fixed | GET | https://app.example.com | allowed | allowed',
      'FAIL | preflight-404 | PUT | https://app.example.com | allowed | refused',
      'ok | preflight-404 | PUT | https://evil.example | refused | refused',
    ]);
    expect(result.stdout).toMatch(/2 of 7 origin checks violate the policy\./);
  });

  it('network errors exit 2 with a clear message, never a CORS verdict', async () => {
    const closed = await startLab();
    const deadUrl = `${closed.origins.api}/gone`;
    await closed.close();
    const refused = await cli(['check', deadUrl, '--origin', lab.origins.page]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/network error, not a CORS verdict: Connection refused/);
    const dns = await cli(['check', 'http://no-such-host.invalid/', '--origin', lab.origins.page, '--json']);
    expect(dns.code).toBe(2);
    expect(JSON.parse(dns.stdout).error).toMatchObject({ kind: 'network', netError: 'net::ERR_NAME_NOT_RESOLVED' });
    expect(cliSchemaErrors(JSON.parse(dns.stdout))).toEqual([]);
    // TLS spoken to a plain-HTTP port: the handshake fails.
    const tls = await cli(['check', lab.origins.api.replace('http:', 'https:') + '/x', '--origin', lab.origins.page]);
    expect(tls.code).toBe(2);
    expect(tls.stderr).toMatch(/network error, not a CORS verdict: TLS failed for localhost:\d+/);
    const usage = await cli(['check', `${lab.origins.api}/x`, '--origin', 'https://app.example.com/']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/no path, no trailing slash/);
  });
});
