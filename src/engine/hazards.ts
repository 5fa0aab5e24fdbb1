/**
 * The catalogue beside the rules: "not really a CORS bug" causes (Verdict.cause) and the hazards a
 * request can carry even when it passes (Verdict.warnings). Each entry has a stable code, a title,
 * its default severity, when the engine raises it, and what it deliberately does not flag, so that
 * docs/rules.md documents them from the same source the engine uses (scripts/gen-rules-doc.ts).
 *
 * Severity calibration: `high` only for configurations that trust an origin with credentials
 * (a stolen session is the consequence); `medium` for what breaks or leaks in some browser or
 * cache; `low` for hygiene. `Access-Control-Allow-Origin: *` on public data is not a finding.
 */
import type { Warning } from './types';

export type Severity = NonNullable<Warning['severity']>;

export interface CauseEntry {
  code: string;
  title: string;
  /** When the engine classifies a failure this way. */
  trigger: string;
  /** What the developer should change, in one or two sentences. */
  fix: string;
}

export interface HazardEntry {
  code: string;
  title: string;
  /** The default severity; a few hazards raise it when credentials are involved (see `trigger`). */
  severity: Severity;
  trigger: string;
  /** The common correct setups this deliberately does not flag. */
  notFlagged: string;
}

export const CAUSES = {
  'error-status-without-cors': {
    code: 'error-status-without-cors',
    title: 'An error response without CORS headers',
    trigger:
      'The response was an error status (401, 403, 404, 413 or 5xx) and carried no `Access-Control-Allow-Origin`: the error path (an error handler, a proxy error page, a body-size limit) answered before the CORS middleware ran. The CORS rule is real, but the bug is the error.',
    fix: 'Look at the error first (server log, or `curl` the URL): once the request succeeds the CORS headers are there. To let the page read error bodies, send the CORS headers on error responses too (nginx `add_header … always`, Apache `Header always set`, CORS middleware before auth and error handlers).',
  },
  'preflight-auth-layer': {
    code: 'preflight-auth-layer',
    title: 'The preflight was answered by an authentication layer',
    trigger:
      'The OPTIONS preflight got 401 or 403: browsers never send cookies or `Authorization` on a preflight, so an authentication (or origin-checking) layer in front of the CORS handler rejected it.',
    fix: 'Let `OPTIONS` through authentication (answer it before the auth middleware or security filter, with 204 and the CORS headers). Adding more CORS headers to the authenticated route changes nothing.',
  },
  'dev-server-refused-origin': {
    code: 'dev-server-refused-origin',
    title: 'A development server refused the origin or host',
    trigger:
      'A server on a local address (localhost, 127.x, a LAN address) answered 403 without CORS headers: development servers check the `Host`/`Origin` themselves (Vite `server.allowedHosts` and `server.cors`, Next.js `allowedDevOrigins`, webpack-dev-server `allowedHosts`) and answer 403 before any app code runs.',
    fix: "Allow the page's host or origin in the dev server's own configuration (Vite `server.allowedHosts` / `server.cors.origin`, Next.js `allowedDevOrigins`, webpack-dev-server `allowedHosts`), or call the dev server through its proxy so the request is same-origin. The app's CORS middleware never sees this request.",
  },
  'duplicate-cors-layer': {
    code: 'duplicate-cors-layer',
    title: 'Two layers add Access-Control-Allow-Origin',
    trigger:
      'The response had two or more `Access-Control-Allow-Origin` lines: a proxy, CDN or API gateway and the application both add the header, and the browser rejects the combined value.',
    fix: 'Remove the header from one layer (usually the proxy: `proxy_hide_header Access-Control-Allow-Origin;` in nginx, or turn off the gateway/CDN CORS feature) so exactly one layer answers CORS.',
  },
  'local-network-access': {
    code: 'local-network-access',
    title: 'Local Network Access, not a CORS header',
    trigger:
      "Chromium's Local Network Access check stopped a request from a public page to a local (LAN) or loopback address before anything was sent. This is a browser permission (`local-network` / `loopback-network`), not a CORS header.",
    fix: 'No server header will help (`Access-Control-Allow-Private-Network` no longer does anything). Serve the page from a secure context, let the user grant the permission prompt (or an administrator the `LocalNetworkAccessAllowedForUrls` policy), set `targetAddressSpace` to where the host really resolves, and delegate the permission to iframes with `allow="local-network; loopback-network"`.',
  },
  'network-error': {
    code: 'network-error',
    title: 'A network error, not CORS',
    trigger:
      'The request failed with a network error (connection refused, DNS, TLS, reset, blocked by an extension …), not with a CORS check: no response arrived that a CORS header could be on.',
    fix: 'Fix the connectivity or the server first (is it running, is the host and port right, is the certificate valid, is an extension blocking it?). CORS headers cannot help a request that got no response.',
  },
} as const satisfies Record<string, CauseEntry>;

export type CauseCode = keyof typeof CAUSES;

export const HAZARDS = {
  'null-origin-allowed': {
    code: 'null-origin-allowed',
    title: '`null` origin allowed',
    severity: 'medium',
    trigger:
      '`Access-Control-Allow-Origin: null`. Sandboxed iframes, `file:` pages, `data:` documents and redirect-tainted requests of any site send `Origin: null`, so this grants access to all of them. High with `Access-Control-Allow-Credentials: true`.',
    notFlagged: 'An allow-list echo of a real origin.',
  },
  'wildcard-with-credentials': {
    code: 'wildcard-with-credentials',
    title: '`*` together with credentials',
    severity: 'low',
    trigger:
      '`Access-Control-Allow-Origin: *` and `Access-Control-Allow-Credentials: true` on a request that passed without credentials: the moment the page sends cookies, every browser rejects it.',
    notFlagged: '`*` without `Access-Control-Allow-Credentials` (public data).',
  },
  'missing-vary-origin': {
    code: 'missing-vary-origin',
    title: 'Echoed origin without `Vary: Origin`',
    severity: 'low',
    trigger:
      "`Access-Control-Allow-Origin` equals the page's origin and `Vary` does not list `Origin`: if the value depends on the request's `Origin`, a shared cache can serve one origin's answer to another. Medium when the same server was seen echoing other origins too.",
    notFlagged: 'An echo with `Vary: Origin`; `*`.',
  },
  'http-origin-trusted': {
    code: 'http-origin-trusted',
    title: 'An `http:` origin trusted by an `https:` resource',
    severity: 'low',
    trigger:
      'An https resource allows a plain-http origin, which anyone on the network path can impersonate. High with `Access-Control-Allow-Credentials: true`.',
    notFlagged: 'https origins; http resources (local development).',
  },
  'origin-reflected': {
    code: 'origin-reflected',
    title: 'Every origin echoed back',
    severity: 'low',
    trigger:
      "The server reflects whatever `Origin` it gets: it echoed a nonsense origin (`null` after a cross-origin redirect), or it echoed several different page origins in this tab. High with `Access-Control-Allow-Credentials: true`: any site can then read the user's data with their cookies (flask-cors `supports_credentials=True` with `origins='*'`, django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True` with `CORS_ALLOW_CREDENTIALS = True`, Express `cors({ origin: true, credentials: true })`).",
    notFlagged: 'One origin echoed by an allow-list (a single exchange cannot tell an allow-list from a reflection, so it is not flagged).',
  },
  'preflight-echoes-request': {
    code: 'preflight-echoes-request',
    title: 'Allow-Headers / Allow-Methods echo the request',
    severity: 'low',
    trigger:
      "`Access-Control-Allow-Headers` is byte-for-byte the browser's own `Access-Control-Request-Headers` (lower-case, sorted, comma-separated without spaces, as Chromium and Firefox write it): the server allows whatever headers a page asks for (the default of Express `cors` and `@fastify/cors`).",
    notFlagged: 'A hand-written list (`Content-Type, Authorization`), even when it equals what was asked.',
  },
  'authorization-wildcard': {
    code: 'authorization-wildcard',
    title: '`Authorization` covered only by `Access-Control-Allow-Headers: *`',
    severity: 'medium',
    trigger:
      'The request sends `Authorization` and the preflight allowed it only through `*`. Chromium and Firefox let it pass today; the Fetch standard says `*` never covers `Authorization`, so a browser that follows it rejects it.',
    notFlagged: '`Authorization` listed by name; `*` for other headers.',
  },
  'max-age-above-cap': {
    code: 'max-age-above-cap',
    title: "`Access-Control-Max-Age` above the browsers' caps",
    severity: 'low',
    trigger:
      'Chromium keeps a preflight at most 7200 s (2 h) and Firefox 86400 s (24 h): a larger value is silently cut, so it does not do what it says (between the two caps, only in Chromium).',
    notFlagged: 'Values up to 7200.',
  },
  'max-age-unparsable': {
    code: 'max-age-unparsable',
    title: '`Access-Control-Max-Age` is not a number',
    severity: 'low',
    trigger: 'Not a number of seconds: Chromium uses its 5 s default, Firefox does not cache the preflight at all.',
    notFlagged: 'A plain number of seconds.',
  },
  'cors-missing-on-errors': {
    code: 'cors-missing-on-errors',
    title: 'CORS headers missing on the error responses',
    severity: 'medium',
    trigger:
      'The endpoint sends CORS headers when it succeeds (its preflight had them) but its error response had none: the page sees a CORS error instead of the error status and message.',
    notFlagged: 'Error responses that carry the CORS headers.',
  },
  'header-not-exposed': {
    code: 'header-not-exposed',
    title: 'Custom response headers not exposed',
    severity: 'low',
    trigger:
      'The response carries application headers (`X-…`, `ETag`, `Link`, `Content-Disposition`, `Retry-After`, `Location`, `RateLimit-…`) that `Access-Control-Expose-Headers` does not list: if your code reads these, `response.headers.get()` returns null.',
    notFlagged:
      'The CORS-safelisted response headers, infrastructure headers (`X-Powered-By`, `X-Content-Type-Options`, …), and anything exposed (or `*` without credentials).',
  },
  'no-cors-opaque': {
    code: 'no-cors-opaque',
    title: "`mode: 'no-cors'` gives an opaque response",
    severity: 'medium',
    trigger:
      "A `fetch()` with `mode: 'no-cors'` to another origin: it never fails on CORS, but the response is opaque (status 0, no headers, empty body), so code that reads it gets nothing. It is not a way around CORS.",
    notFlagged: '`<img>`, `<script>` and stylesheet loads (no-cors by nature), and CORS-mode fetches.',
  },
  'chromium-only-safelisted-header': {
    code: 'chromium-only-safelisted-header',
    title: 'A request header only Chromium safelists',
    severity: 'low',
    trigger:
      'The request sends a header Chromium treats as safelisted but the Fetch standard (and other browsers) do not: elsewhere it triggers a preflight the server must allow.',
    notFlagged: 'Headers safelisted by the standard.',
  },
  'private-network-header': {
    code: 'private-network-header',
    title: '`Access-Control-Allow-Private-Network` is obsolete',
    severity: 'low',
    trigger:
      'It belongs to Private Network Access, which Chromium replaced with Local Network Access (a user permission); the header has no effect in current Chromium.',
    notFlagged: 'Its absence.',
  },
  'authorization-dropped-on-redirect': {
    code: 'authorization-dropped-on-redirect',
    title: '`Authorization` dropped on a cross-origin redirect',
    severity: 'medium',
    trigger: 'The request was redirected to another origin and then answered 401: browsers drop `Authorization` on cross-origin redirects.',
    notFlagged: 'Same-origin redirects.',
  },
  'preflight-from-cache': {
    code: 'preflight-from-cache',
    title: 'Preflight answered from the preflight cache',
    severity: 'low',
    trigger:
      'The request needed a preflight but none went out: the browser answered it from its preflight cache, so a server change to the preflight takes effect only after the cached entry expires (in Chromium also with DevTools "Disable cache" on, which bypasses the preflight cache).',
    notFlagged: 'Requests whose preflight was observed.',
  },
  'preflight-cache-stale': {
    code: 'preflight-cache-stale',
    title: "The server's answer changed since the cached preflight",
    severity: 'medium',
    trigger:
      'A preflight was served from the cache, and the CORS headers the server sends now differ from the cached preflight answer: the browser still uses the old answer until it expires. This is the "I fixed the server and nothing changed" case.',
    notFlagged: 'A cached preflight whose answer matches what the server sends now.',
  },
  'model-disagreement': {
    code: 'model-disagreement',
    title: 'Chromium and the engine disagree',
    severity: 'low',
    trigger: "Chromium completed the request although the engine's replay predicts a block: the exchange is probably incomplete.",
    notFlagged: '-',
  },
  'engine-error': {
    code: 'engine-error',
    title: 'Internal error while judging',
    severity: 'low',
    trigger: 'The engine could not read the recorded exchange.',
    notFlagged: '-',
  },
} as const satisfies Record<string, HazardEntry>;

export type HazardCode = keyof typeof HAZARDS;

/** A warning from the catalogue, with its title and severity (the default unless given). */
export function hazard(code: HazardCode, message: string, severity?: Severity): Warning {
  const entry: HazardEntry = HAZARDS[code];
  return { code, message, severity: severity ?? entry.severity, title: entry.title };
}

/** Warning order: most severe first, then catalogue order. */
export function sortWarnings(warnings: Warning[]): void {
  if (warnings.length < 2) return;
  const rank = { high: 0, medium: 1, low: 2 } as const;
  warnings.sort((a, b) => rank[a.severity ?? 'low'] - rank[b.severity ?? 'low']);
}
