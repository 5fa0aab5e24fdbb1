/**
 * Capture in real Chromium: every kind of failure the lab can produce is captured with the rule and
 * failedParameter Chromium itself reports (read over CDP in the same run), preflights are paired,
 * redirect chains followed, and passing, no-cors and same-origin requests are not failures (no-cors fetches are kept for their warning).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab, type RouteSpec } from '../lab/server';
import type { Report, ReportEntry } from '../src/shared/report';
import { fetchFrom, launchWithExtension, recordChromiumVerdicts, waitFor, type ChromiumVerdict, type ExtensionBrowser, type Page } from './harness';

interface Case {
  name: string;
  origin?: 'api' | 'api2' | 'page';
  route: RouteSpec;
  init?: RequestInit;
  /** The rule we expect Chromium (and so CORS Doctor) to name; null for a request that passes. */
  rule: string | null;
  /** Redirect hops the entry must show. */
  hops?: number;
  preflight?: boolean;
  /** Where the paired preflight went, when not to the first URL (a redirect target is preflighted again). */
  preflightPath?: string;
  /** OPTIONS requests Chromium sends for it, when more than one. */
  optionsCount?: number;
  /** Not stored at all (same-origin). */
  ignored?: boolean;
  /** A failure that is not a CORS one. */
  networkError?: boolean;
  /** Extra routes (redirect targets), by path. */
  extra?: Array<{ origin: 'api' | 'api2'; path: string; route: RouteSpec }>;
}

const ACAO_ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];
const PUT_JSON: RequestInit = { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' };

const CASES: Case[] = [
  { name: 'pass', route: { response: { headers: [ACAO_ECHO], body: 'json' } }, rule: null },
  { name: 'pass-wildcard', route: { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } }, rule: null },
  { name: 'missing-acao', route: { response: { body: 'json' } }, rule: 'MissingAllowOriginHeader' },
  { name: 'mismatch', route: { response: { headers: [['Access-Control-Allow-Origin', 'https://app.example.com']] } }, rule: 'AllowOriginMismatch' },
  { name: 'trailing-slash', route: { response: { headers: [['Access-Control-Allow-Origin', '{page}/']] } }, rule: 'AllowOriginMismatch' },
  { name: 'two-acao', route: { response: { headers: [ACAO_ECHO, ACAO_ECHO] } }, rule: 'MultipleAllowOriginValues' },
  { name: 'invalid-acao', route: { response: { headers: [['Access-Control-Allow-Origin', 'example.com']] } }, rule: 'InvalidAllowOriginValue' },
  {
    name: 'wildcard-credentials',
    route: { response: { headers: [['Access-Control-Allow-Origin', '*']] } },
    init: { credentials: 'include' },
    rule: 'WildcardOriginNotAllowed',
  },
  {
    name: 'credentials-no-acac',
    route: { response: { headers: [ACAO_ECHO] } },
    init: { credentials: 'include' },
    rule: 'InvalidAllowCredentials',
  },
  {
    name: 'preflight-pass',
    route: {
      preflight: { status: 204, headers: [ACAO_ECHO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] },
      response: { headers: [ACAO_ECHO], body: 'json' },
    },
    init: PUT_JSON,
    rule: null,
    preflight: true,
  },
  {
    name: 'preflight-no-acao',
    route: { preflight: { status: 204 }, response: { headers: [ACAO_ECHO] } },
    init: PUT_JSON,
    rule: 'PreflightMissingAllowOriginHeader',
    preflight: true,
  },
  {
    name: 'preflight-status',
    route: { preflight: { status: 405, headers: [ACAO_ECHO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] } },
    init: PUT_JSON,
    rule: 'PreflightInvalidStatus',
    preflight: true,
  },
  {
    name: 'preflight-method',
    route: {
      preflight: { status: 204, headers: [ACAO_ECHO, ['Access-Control-Allow-Methods', 'GET, POST'], ['Access-Control-Allow-Headers', 'content-type']] },
    },
    init: PUT_JSON,
    rule: 'MethodDisallowedByPreflightResponse',
    preflight: true,
  },
  {
    name: 'preflight-header',
    route: { preflight: { status: 204, headers: [ACAO_ECHO] }, response: { headers: [ACAO_ECHO] } },
    init: { headers: { 'X-Request-Id': '42' } },
    rule: 'HeaderDisallowedByPreflightResponse',
    preflight: true,
  },
  {
    name: 'preflight-redirect',
    route: { preflight: { redirect: { to: '/elsewhere', status: 302 }, headers: [ACAO_ECHO] } },
    init: PUT_JSON,
    rule: 'PreflightDisallowedRedirect',
    preflight: true,
  },
  {
    name: 'redirect-chain-pass',
    route: { response: { redirect: { to: '{api2}/chain-b?case=redirect-chain-pass', status: 302 }, headers: [['Access-Control-Allow-Origin', '*']] } },
    extra: [
      {
        origin: 'api2',
        path: '/chain-b',
        route: { response: { redirect: { to: '/chain-c?case=redirect-chain-pass', status: 307 }, headers: [['Access-Control-Allow-Origin', '*']] } },
      },
      { origin: 'api2', path: '/chain-c', route: { response: { headers: [['Access-Control-Allow-Origin', '*']], body: 'json' } } },
    ],
    rule: null,
    hops: 2,
  },
  {
    name: 'redirect-then-missing',
    route: { response: { redirect: { to: '/final-missing?case=redirect-then-missing', status: 302 }, headers: [ACAO_ECHO] } },
    extra: [{ origin: 'api', path: '/final-missing', route: { response: { body: 'json' } } }],
    rule: 'MissingAllowOriginHeader',
    hops: 1,
  },
  {
    name: 'redirect-without-acao',
    route: { response: { redirect: { to: '/never?case=redirect-without-acao', status: 301 } } },
    rule: 'MissingAllowOriginHeader',
    hops: 1,
  },
  {
    // The redirect target is preflighted again; that second preflight fails, so the PUT dies without a
    // final response, and only the second preflight explains why.
    name: 'redirect-preflight-fails-at-target',
    route: {
      preflight: { status: 204, headers: [ACAO_ECHO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'content-type']] },
      response: { redirect: { to: '/second-preflight-target?case=redirect-preflight-fails-at-target', status: 307 }, headers: [ACAO_ECHO] },
    },
    extra: [
      {
        origin: 'api',
        path: '/second-preflight-target',
        route: {
          preflight: {
            status: 204,
            headers: [
              ['Access-Control-Allow-Methods', 'PUT'],
              ['Access-Control-Allow-Headers', 'content-type'],
            ],
          },
          response: { headers: [ACAO_ECHO], body: 'json' },
        },
      },
    ],
    init: PUT_JSON,
    rule: 'PreflightMissingAllowOriginHeader',
    hops: 1,
    preflight: true,
    preflightPath: '/second-preflight-target',
    optionsCount: 2,
  },
  // Kept, as not-CORS with its opaque-response warning (issue 16); never a failure.
  { name: 'no-cors', route: { response: { body: 'json' } }, init: { mode: 'no-cors' }, rule: null },
  { name: 'same-origin', origin: 'page', route: { response: { body: 'json' } }, rule: null, ignored: true },
  { name: 'network-error', route: { response: { drop: true } }, rule: null, networkError: true },
];

describe('capture of cross-origin exchanges', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let page: Page;
  let tabId: number;
  let report: Report;
  let chromium: Map<string, ChromiumVerdict>;
  const urls = new Map<string, string>();

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchWithExtension();
    page = await browser.context.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    tabId = await browser.tabIdOf(page);
    const recorder = await recordChromiumVerdicts(browser.context, page);
    for (const testCase of CASES) {
      urls.set(testCase.name, lab.route(testCase.origin ?? 'api', `/${testCase.name}`, testCase.route) + `?case=${testCase.name}`);
      for (const extra of testCase.extra ?? []) lab.route(extra.origin, extra.path, extra.route);
    }
    await Promise.all(CASES.map((testCase) => fetchFrom(page, urls.get(testCase.name)!, testCase.init)));
    const expected = CASES.filter((c) => !c.ignored).length;
    report = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length >= expected,
      { what: `${expected} entries` },
    );
    chromium = new Map();
    for (const verdict of recorder.verdicts.values()) {
      const name = new URL(verdict.url).searchParams.get('case');
      // DevTools lists the preflight as a request of its own on the same URL: the actual request is the verdict.
      if (name && verdict.method !== 'OPTIONS') chromium.set(name, verdict);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  const entryFor = (name: string): ReportEntry | undefined => report.entries.find((entry) => entry.request.url === urls.get(name));

  it('stores exactly the cross-origin CORS-mode requests and no-cors fetches, once each', () => {
    const stored = report.entries.map((entry) => new URL(entry.request.url).searchParams.get('case')).sort();
    expect(stored).toEqual(
      CASES.filter((c) => !c.ignored)
        .map((c) => c.name)
        .sort(),
    );
  });

  for (const testCase of CASES.filter((c) => c.rule)) {
    it(`names ${testCase.name} as Chromium does: ${testCase.rule}`, () => {
      const oracle = chromium.get(testCase.name);
      expect(oracle?.corsError).toBe(testCase.rule);
      const entry = entryFor(testCase.name);
      expect(entry?.verdict).toMatchObject({
        blocked: true,
        rule: oracle!.corsError,
        failedParameter: oracle!.failedParameter ?? '',
      });
      expect(entry?.error).toBe('net::ERR_FAILED');
    });
  }

  it('does not count passing, no-cors, same-origin and network failures as CORS failures', () => {
    for (const testCase of CASES.filter((c) => !c.rule)) {
      expect(chromium.get(testCase.name)?.corsError ?? null, testCase.name).toBeNull();
      const entry = entryFor(testCase.name);
      if (testCase.ignored) expect(entry, testCase.name).toBeUndefined();
      else expect(entry?.verdict.blocked, testCase.name).toBe(false);
    }
    expect(entryFor('network-error')?.verdict.kind).toBe('network-error');
    expect(entryFor('pass')?.verdict.kind).toBe('passed');
    expect(entryFor('no-cors')?.verdict).toMatchObject({ kind: 'not-cors', blocked: false, warnings: [expect.objectContaining({ code: 'no-cors-opaque' })] });
    const failures = CASES.filter((c) => c.rule).length;
    expect(report.summary.failures).toBe(failures);
    expect(Object.values(report.summary.byRule).reduce((a, b) => a + b, 0)).toBe(failures);
  });

  it('pairs each preflight with its actual request', () => {
    for (const testCase of CASES) {
      const entry = entryFor(testCase.name);
      if (!entry) continue;
      if (testCase.preflight) {
        expect(entry.preflight, testCase.name).not.toBeNull();
        const requested = entry.preflight!.request.headers.find((h) => h.name.toLowerCase() === 'access-control-request-method');
        expect(requested?.value, testCase.name).toBe(entry.request.method);
        const preflightUrl = testCase.preflightPath ? new URL(entry.preflight!.url).pathname : entry.preflight!.url;
        expect(preflightUrl, testCase.name).toBe(testCase.preflightPath ?? entry.request.url);
      } else {
        expect(entry.preflight, testCase.name).toBeNull();
      }
    }
    // Exactly one OPTIONS per preflighted case reached the lab: nothing was paired twice.
    const optionsSent = CASES.filter((c) => c.preflight).reduce((sum, c) => sum + (c.optionsCount ?? 1), 0);
    expect(lab.requests({ method: 'OPTIONS' })).toHaveLength(optionsSent);
    const failed = entryFor('preflight-no-acao')!;
    expect(failed.request.headers).toBeNull();
    expect(failed.response).toBeNull();
    expect(failed.preflight!.response?.status).toBe(204);
    const passed = entryFor('preflight-pass')!;
    expect(passed.response?.status).toBe(200);
    expect(passed.request.headers?.some((h) => h.name === 'Origin')).toBe(true);
  });

  it('follows redirect chains hop by hop', () => {
    const chain = entryFor('redirect-chain-pass')!;
    expect(chain.redirects.map((hop) => [new URL(hop.url).pathname, hop.status])).toEqual([
      ['/redirect-chain-pass', 302],
      ['/chain-b', 307],
    ]);
    expect(chain.redirects[0]!.location).toContain('/chain-b');
    expect(chain.response?.status).toBe(200);
    for (const testCase of CASES.filter((c) => c.hops)) {
      expect(entryFor(testCase.name)?.redirects, testCase.name).toHaveLength(testCase.hops!);
    }
    expect(entryFor('redirect-without-acao')?.response).toBeNull();
    expect(entryFor('redirect-then-missing')?.response?.status).toBe(200);
  });

  it('captures fonts, crossorigin images and module scripts too', async () => {
    const font = lab.route('api', '/font-missing', { response: { body: 'font' } });
    const image = lab.route('api', '/image-pass', { response: { body: 'image', headers: [['Access-Control-Allow-Origin', '*']] } });
    const plainImage = lab.route('api', '/image-no-cors', { response: { body: 'image' } });
    const module = lab.route('api2', '/module-missing', { response: { body: 'module' } });
    await page.evaluate(
      ([fontUrl, imageUrl, plainImageUrl, moduleUrl]) => {
        const style = document.createElement('style');
        style.textContent = `@font-face { font-family: LabFont; src: url(${fontUrl}); }`;
        document.head.append(style);
        const text = document.createElement('p');
        text.style.fontFamily = 'LabFont';
        text.textContent = 'font';
        document.body.append(text);
        const img = new Image();
        img.crossOrigin = 'anonymous';
        img.src = imageUrl!;
        const plain = new Image();
        plain.src = plainImageUrl!;
        document.body.append(img, plain);
        const script = document.createElement('script');
        script.type = 'module';
        script.src = moduleUrl!;
        document.head.append(script);
      },
      [font, image, plainImage, module],
    );
    const withSubresources = await waitFor(
      () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => r.entries.length >= report.entries.length + 3,
      { what: 'font, image and module entries' },
    );
    const byUrl = (url: string) => withSubresources.entries.find((entry) => entry.request.url === url);
    expect(byUrl(font)?.request.type).toBe('font');
    expect(byUrl(font)?.verdict.rule).toBe('MissingAllowOriginHeader');
    expect(byUrl(image)?.verdict.blocked).toBe(false);
    expect(byUrl(module)?.request.type).toBe('script');
    expect(byUrl(module)?.verdict.rule).toBe('MissingAllowOriginHeader');
    expect(byUrl(plainImage)).toBeUndefined();
  });
});
