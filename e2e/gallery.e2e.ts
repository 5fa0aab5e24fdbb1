/**
 * The gallery's own expectations, checked against the browser: every broken case must fail in
 * Chromium with exactly the `Network.CorsError` (and failedParameter) its card names, and every fixed
 * twin must pass. The extension is loaded, as in the demo, so its listeners are part of the setup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVariant, mountGallery, type ResolvedCase, type VariantName } from '../lab/gallery';
import { startLab, type Lab } from '../lab/server';
import { CAUSES, HAZARDS } from '../src/engine/hazards';
import { launchWithExtension, recordChromiumVerdicts, type ExtensionBrowser } from './harness';

/** Catalogue entries no server can make the engine raise, so no lab card can show them. */
const NOT_SHOWN_IN_THE_LAB: Record<string, string> = {
  'model-disagreement': "Chromium completed a request the engine's replay blocks: an incomplete capture, which the lab exists to rule out",
  'engine-error': 'an internal error while judging',
};

interface Observed {
  corsError: string | null;
  failedParameter?: string | null;
  errorText: string | null;
}

describe('the CORS lab gallery in Chromium', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let url: string;
  let cases: ResolvedCase[];

  beforeAll(async () => {
    lab = await startLab();
    ({ url, cases } = mountGallery(lab));
    // The https card's self-signed certificate is accepted by its SPKI hash, and no other.
    browser = await launchWithExtension({ args: lab.tls.chromiumArgs });
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  it('covers the common mistakes the issue lists, each with a fixed twin on its own URL', () => {
    const rules = new Set(cases.flatMap((c) => (c.broken.expected ? [c.broken.expected.rule] : [])));
    for (const rule of [
      'MissingAllowOriginHeader',
      'AllowOriginMismatch',
      'MultipleAllowOriginValues',
      'WildcardOriginNotAllowed',
      'InvalidAllowCredentials',
      'PreflightMissingAllowOriginHeader',
      'PreflightInvalidStatus',
      'PreflightDisallowedRedirect',
      'MethodDisallowedByPreflightResponse',
      'HeaderDisallowedByPreflightResponse',
      'RedirectContainsCredentials',
    ]) {
      expect(rules, rule).toContain(rule);
    }
    expect(cases.length).toBeGreaterThanOrEqual(18);
    // Issue 16: a card for every cause and every warning of the catalogue (docs/rules.md), but the two
    // that only an engine fault raises.
    const shown = new Set(cases.flatMap((c) => [...(c.expectedCause ? [c.expectedCause] : []), ...c.expectedWarnings]));
    const withoutCard = [...Object.keys(CAUSES), ...Object.keys(HAZARDS)].filter((code) => !shown.has(code));
    expect(withoutCard).toEqual(Object.keys(NOT_SHOWN_IN_THE_LAB));
    const urls = cases.flatMap((c) => [c.broken.url, c.fixed.url]);
    expect(new Set(urls).size).toBe(urls.length);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it("runs every case: Chromium's verdicts match the cards, and the page sees what each card says", async () => {
    const page = await browser.context.newPage();
    await page.goto(url);
    const recorder = await recordChromiumVerdicts(browser.context, page);
    // The harness keeps the latest URL of a redirected request; the gallery knows requests by their first.
    const firstUrl = new Map<string, string>();
    recorder.cdp.on('Network.requestWillBeSent', (event) => {
      if (!firstUrl.has(event.requestId)) firstUrl.set(event.requestId, event.request.url);
    });

    await page.click('#run-all');
    await page.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
    // loadingFailed for the last request can trail the page's own error event by a moment.
    await new Promise((r) => setTimeout(r, 500));

    const observed = new Map<string, Observed>();
    for (const verdict of recorder.verdicts.values()) {
      if (verdict.method === 'OPTIONS') continue;
      const found = findVariant(cases, firstUrl.get(verdict.requestId) ?? verdict.url);
      if (!found) continue;
      observed.set(`${found.galleryCase.id}/${found.variant}`, {
        corsError: verdict.corsError,
        ...(found.variant === 'broken' && found.galleryCase.broken.expected?.failedParameter !== undefined ? { failedParameter: verdict.failedParameter } : {}),
        errorText: verdict.errorText,
      });
    }

    const key = (c: ResolvedCase, variant: VariantName) => `${c.id}/${variant}`;
    const actual = Object.fromEntries(cases.flatMap((c) => (['broken', 'fixed'] as const).map((v) => [key(c, v), observed.get(key(c, v)) ?? null])));
    const expected = Object.fromEntries(
      cases.flatMap((c) => [
        [
          key(c, 'broken'),
          c.broken.expected
            ? {
                corsError: c.broken.expected.rule,
                ...(c.broken.expected.failedParameter !== undefined ? { failedParameter: c.broken.expected.failedParameter } : {}),
                errorText: 'net::ERR_FAILED',
              }
            : c.broken.networkError
              ? { corsError: null, errorText: c.broken.networkError }
              : // The renderer cancels an opaque response it has no use for: Chromium ends it with net::ERR_ABORTED.
                { corsError: null, errorText: c.broken.request.kind === 'fetch' && c.broken.request.mode === 'no-cors' ? 'net::ERR_ABORTED' : null },
        ],
        [key(c, 'fixed'), { corsError: null, errorText: null }],
      ]),
    );
    expect(actual).toEqual(expected);

    const pageResults = await page.$$eval('.result', (lines) =>
      lines.map((line) => {
        const data = (line as HTMLElement).dataset;
        return `${data.case}/${data.variant}: ${data.outcome}, ${data.asExpected === 'true' ? 'as the card says' : 'NOT as the card says'}`;
      }),
    );
    expect(pageResults).toEqual(
      cases.flatMap((c) => [
        `${c.id}/broken: ${c.broken.expected || c.broken.networkError ? 'blocked' : 'passed'}, as the card says`,
        `${c.id}/fixed: passed, as the card says`,
      ]),
    );
    expect(await page.locator('#progress').textContent()).toMatch(/^Done: /);
    // The redirect card's lesson, as the target server saw it: the token never arrived there.
    const redirected = lab.requests({ origin: 'api2', path: '/cors-lab/authorization-dropped-on-redirect/data' });
    expect(
      redirected.map(
        (r) =>
          `${r.method} ${r.headers
            .filter(([name]) => /^(origin|authorization)$/i.test(name))
            .map(([n, v]) => `${n.toLowerCase()}: ${v}`)
            .join(', ')}`,
      ),
    ).toEqual(['GET origin: null']);
    await page.close();
  });

  it('renders case text as text, never as markup', async () => {
    const page = await browser.context.newPage();
    await page.goto(url);
    expect(await page.locator('article.card').count()).toBe(cases.length);
    const imageCard = page.locator('article#image-crossorigin .request');
    expect(await imageCard.textContent()).toContain('<img crossorigin="anonymous"');
    expect(await page.locator('article#image-crossorigin img').count()).toBe(0);
    await page.close();
  });
});
