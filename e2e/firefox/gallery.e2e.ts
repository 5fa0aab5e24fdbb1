/**
 * The CORS lab gallery in real Firefox ESR with the Firefox add-on: every card, broken and fixed, is
 * run from the gallery page, and for each the add-on's verdict is compared with Firefox's own
 * console verdict for the same request (the oracle: its "Cross-Origin Request Blocked" messages,
 * through BiDi log entries) and with the card's Firefox expectation (lab/gallery.ts,
 * `firefoxExpectation`): the outcome, the real cause and the warnings. Where Firefox behaves
 * otherwise than Chromium (no Local Network Access, a network error for a redirect to a URL with
 * credentials, ...), the card says so and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReport, firefoxExpectation, mountGallery, variantBasePath, type ResolvedCase, type VariantName } from '../../lab/gallery';
import { startLab, type Lab } from '../../lab/server';
import { parseFirefoxBlockMessage } from '../../src/engine/index';
import type { Report, ReportEntry } from '../../src/shared/report';
import { launchFirefoxWithExtension, type FirefoxExtensionBrowser } from '../../tools/firefox';
import { waitFor } from '../harness';

type Outcome = 'blocked' | 'passed' | 'network-error';

/** Firefox's console key for a request that failed below CORS (or was refused without a CORS reason). */
const DID_NOT_SUCCEED = 'CORSDidNotSucceed';

/** Whether `url` is one of the variant's routes: under its base path, and not the fixed twin's when the variant is the broken one. */
function belongsTo(url: string, galleryCase: ResolvedCase, variant: VariantName): boolean {
  const path = new URL(url).pathname;
  const base = variantBasePath(galleryCase.id, variant);
  if (path !== base && !path.startsWith(`${base}/`)) return false;
  return variant === 'fixed' || !path.startsWith(variantBasePath(galleryCase.id, 'fixed'));
}

/** Firefox's console verdict on a variant: blocked with the first CORS reason key, a failure with only "did not succeed", or a pass (no message). */
function consoleVerdict(keys: string[]): { outcome: Outcome; key: string | null } {
  const reason = keys.find((key) => key !== DID_NOT_SUCCEED);
  if (reason !== undefined) return { outcome: 'blocked', key: reason };
  return keys.length > 0 ? { outcome: 'network-error', key: DID_NOT_SUCCEED } : { outcome: 'passed', key: null };
}

function addonVerdict(entry: ReportEntry): { outcome: Outcome; key: string | null } {
  const { verdict } = entry;
  if (verdict.blocked) return { outcome: 'blocked', key: verdict.firefox?.key ?? null };
  if (verdict.kind === 'network-error') return { outcome: 'network-error', key: verdict.firefox?.key ?? null };
  return { outcome: 'passed', key: null };
}

describe('the CORS lab gallery in Firefox, with CORS Doctor', () => {
  let lab: Lab;
  let firefox: FirefoxExtensionBrowser;
  let cases: ResolvedCase[];
  let report: Report;

  beforeAll(async () => {
    lab = await startLab();
    let url: string;
    ({ url, cases } = mountGallery(lab));
    // The https card's self-signed certificate, trusted for its one origin.
    firefox = await launchFirefoxWithExtension({ trustedCertificates: [{ origin: lab.origins.https, pem: lab.tls.cert }] });
    const page = await firefox.newPage();
    await page.goto(url);
    const tabId = await firefox.tabIdOf(page);
    await page.click('#run-all');
    await waitFor(
      () => page.evaluate(() => document.body.dataset.state ?? ''),
      (state) => state === 'done',
      { what: 'the gallery to finish', timeoutMs: 60_000 },
    );
    report = await waitFor(
      () => firefox.sendMessage<Report>({ type: 'getReport', tabId }),
      (r) => checkReport(r, cases, 'firefox').every((check) => check.entry !== null),
      { what: 'an entry for every variant', timeoutMs: 30_000 },
    );
    // Firefox prints its console verdict after the page's fetch() has settled: wait for every blocked or failed variant's line.
    for (const check of checkReport(report, cases, 'firefox')) {
      if (addonVerdict(check.entry!).outcome === 'passed') continue;
      await waitFor(
        async () => firefox.corsMessages.some((message) => belongsTo(message.url.replace(/^‘|’$/g, ''), check.galleryCase, check.variant)),
        (seen) => seen,
        { what: `Firefox's console line for ${check.galleryCase.id} (${check.variant})`, timeoutMs: 15_000 },
      ).catch(() => {});
    }
  }, 120_000);

  afterAll(async () => {
    await firefox?.close();
    await lab?.close();
  });

  it("gives every card Firefox's own console verdict: blocked or not, and the reason key", () => {
    const verdicts = checkReport(report, cases, 'firefox').map((check) => {
      const keys = firefox.corsMessages
        .filter((message) => belongsTo(message.url.replace(/^‘|’$/g, ''), check.galleryCase, check.variant))
        .map((message) => parseFirefoxBlockMessage(message.text)?.key ?? `unparsed: ${message.reason}`);
      return { card: `${check.galleryCase.id}/${check.variant}`, addon: addonVerdict(check.entry!), firefox: consoleVerdict(keys) };
    });
    expect(verdicts.filter((v) => v.addon.outcome !== v.firefox.outcome || v.addon.key !== v.firefox.key)).toEqual([]);
    // Not a vacuous comparison: the gallery shows Firefox blocking, failing and passing.
    const outcomes = new Set(verdicts.map((v) => v.firefox.outcome));
    expect([...outcomes].sort()).toEqual(['blocked', 'network-error', 'passed']);
  });

  it("meets each card's Firefox expectation: outcome, real cause and warnings", () => {
    const problems = checkReport(report, cases, 'firefox')
      .filter((check) => !check.ok)
      .map((check) => `${check.galleryCase.id}/${check.variant}: ${check.problem}`);
    expect(problems).toEqual([]);
    // The causes the gallery promises in Firefox, named from what Firefox's webRequest shows.
    const causes = Object.fromEntries(
      checkReport(report, cases, 'firefox')
        .filter((check) => check.variant === 'broken' && check.entry!.verdict.cause)
        .map((check) => [check.galleryCase.id, check.entry!.verdict.cause!.code]),
    );
    expect(causes).toEqual({
      'two-values': 'duplicate-cors-layer',
      'preflight-auth': 'preflight-auth-layer',
      'error-without-cors': 'error-status-without-cors',
      'dev-server-host-check': 'dev-server-refused-origin',
      'error-path-without-cors': 'error-status-without-cors',
      'network-error': 'network-error',
    });
  });

  it('says where Firefox differs from Chromium, and each difference is what Firefox did', () => {
    const differing = cases.filter((c) => c.firefox !== null);
    expect(differing.map((c) => c.id)).toEqual([
      'redirect-with-credentials',
      'local-network-target',
      'network-error',
      'chromium-only-safelisted-header',
      'authorization-dropped-on-redirect',
    ]);
    for (const galleryCase of differing) expect(firefoxExpectation(galleryCase).why, galleryCase.id).toMatch(/Firefox/);
    // The Authorization card's difference, as the target server saw it: Firefox dropped Authorization as Chromium
    // does, yet preflighted the target (with the page's origin), and sent no request there.
    const target = lab.requests({ origin: 'api2', path: '/cors-lab/authorization-dropped-on-redirect/data' });
    expect(
      target.map(
        (r) =>
          `${r.method} ${r.headers
            .filter(([name]) => /^(origin|authorization|access-control-request-.*)$/i.test(name))
            .map(([n, v]) => `${n.toLowerCase()}: ${v}`)
            .join(', ')}`,
      ),
    ).toEqual([`OPTIONS access-control-request-method: GET, origin: ${lab.origins.page}`]);
  });
});
