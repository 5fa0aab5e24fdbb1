/**
 * The lab's failure classes as the fix-verification suite serves them from real servers. Every
 * stack's app has the same three routes, so one description of the broken CORS layer per class
 * fits all of them:
 *
 * - `/data`: any of GET, POST, PUT, DELETE, PATCH answers 200 JSON with `X-Total-Count: 42`;
 *   OPTIONS is whatever the framework does without CORS (404, 405 or an automatic answer).
 * - `/auth`: authentication runs before routing, for every method: without an Authorization header
 *   it answers 401 with `WWW-Authenticate: Bearer`; with one, 200 JSON.
 * - `/error`: the handler throws (or fails with 500 the stack's usual way).
 *
 * The broken CORS layer sits where the fix goes (first middleware, top of the script, the server
 * block); the fix replaces it with the snippet CORS Doctor reported.
 */
import { GALLERY_CASES } from '../../lab/gallery';

/** `{origin}` in a value stands for the request's Origin header, echoed. */
export type HeaderPair = [name: string, value: string];

export interface BrokenCors {
  /** Added to every response that passes through the layer. */
  headers: HeaderPair[];
  /** When set, the layer answers OPTIONS itself with this status and these extra headers. */
  preflight?: { status: number; headers: HeaderPair[] };
}

export interface FailureClass {
  /** The lab gallery case it reproduces. */
  id: string;
  title: string;
  path: '/data' | '/auth' | '/error';
  /** What the page's fetch() sends. */
  init: { method?: string; headers?: Record<string, string>; credentials?: 'include'; body?: string };
  broken: BrokenCors;
  /**
   * For stacks that proxy to an app (nginx, Apache, Caddy): headers the app behind them sends in
   * both the broken and the fixed run, and the proxy's own broken layer, when it differs.
   */
  proxied?: { upstreamHeaders: HeaderPair[]; broken: BrokenCors };
}

const ACAO = 'Access-Control-Allow-Origin';
const echo: HeaderPair[] = [
  [ACAO, '{origin}'],
  ['Vary', 'Origin'],
];

export function failureClasses(pageOrigin: string): FailureClass[] {
  const classes: Array<Omit<FailureClass, 'title'>> = [
    { id: 'missing-allow-origin', path: '/data', init: {}, broken: { headers: [] } },
    { id: 'wrong-origin', path: '/data', init: {}, broken: { headers: [[ACAO, 'https://app.example.com']] } },
    { id: 'trailing-slash', path: '/data', init: {}, broken: { headers: [[ACAO, `${pageOrigin}/`]] } },
    {
      id: 'two-values',
      path: '/data',
      init: {},
      // One header line with two values is what the browser sees when two layers each add one.
      broken: {
        headers: [
          [ACAO, '{origin}, {origin}'],
          ['Vary', 'Origin'],
        ],
      },
      proxied: { upstreamHeaders: [[ACAO, '{origin}']], broken: { headers: echo } },
    },
    { id: 'wildcard-with-credentials', path: '/data', init: { credentials: 'include' }, broken: { headers: [[ACAO, '*']] } },
    { id: 'missing-allow-credentials', path: '/data', init: { credentials: 'include' }, broken: { headers: echo } },
    { id: 'preflight-404', path: '/data', init: { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'hello' }, broken: { headers: [] } },
    { id: 'preflight-405', path: '/data', init: { method: 'DELETE' }, broken: { headers: echo } },
    { id: 'preflight-auth', path: '/auth', init: { headers: { Authorization: 'Bearer lab-token' } }, broken: { headers: echo } },
    {
      id: 'method-not-allowed',
      path: '/data',
      init: { method: 'PUT', body: 'hello' },
      broken: { headers: echo, preflight: { status: 204, headers: [['Access-Control-Allow-Methods', 'GET, POST']] } },
    },
    {
      id: 'header-not-allowed',
      path: '/data',
      init: { headers: { 'X-Request-Id': 'lab-42' } },
      broken: {
        headers: echo,
        preflight: {
          status: 204,
          headers: [
            ['Access-Control-Allow-Methods', 'GET'],
            ['Access-Control-Allow-Headers', 'Authorization'],
          ],
        },
      },
    },
    {
      id: 'json-content-type',
      path: '/data',
      init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"hello":"lab"}' },
      broken: { headers: echo, preflight: { status: 200, headers: [] } },
    },
    { id: 'error-without-cors', path: '/error', init: {}, broken: { headers: [] } },
  ];
  return classes.map((c) => {
    const galleryCase = GALLERY_CASES.find((g) => g.id === c.id);
    if (!galleryCase) throw new Error(`No lab gallery case ${c.id}`);
    return { ...c, title: galleryCase.title };
  });
}

/**
 * Lab cases the suite does not serve per stack, and why (docs/fixes.md prints these).
 */
export const NOT_APPLICABLE: Record<string, string> = {
  'preflight-redirect': 'the fix is on the client: call the URL the redirect points to (no server snippet changes a redirect)',
  'patch-lower-case': 'the fix is on the client: write the method as "PATCH"',
  'redirect-null-origin': 'the redirect target must allow Origin: null or *; CORS Doctor explains it, a snippet for the page origin would not help',
  'redirect-with-credentials': 'the fix is the redirect URL itself (no user:password@); CORS Doctor gives no server snippet',
  'font-without-cors': 'the same server fix as missing-allow-origin (a simple GET); a public asset host usually answers *',
  'image-crossorigin': 'the same server fix as missing-allow-origin (a simple GET); a public asset host usually answers *',
  'module-script': 'the same server fix as missing-allow-origin (a simple GET); a public asset host usually answers *',
  'header-not-exposed': 'not a block: the request passes, so CORS Doctor has no exchange to fix (expose the header with Access-Control-Expose-Headers)',
  'error-path-without-cors': 'the same server fix as error-without-cors, verified there (the CORS layer must also cover error responses)',
  'dev-server-host-check':
    "the dev server's own host/origin check refuses it before any app code: its setting is the fix (CORS Doctor says so instead of a CORS snippet)",
  'local-network-target': 'the fix is on the client: targetAddressSpace must name where the host really is; no server header helps',
  'no-cors-opaque': "the fix is on the client: mode: 'no-cors' makes no CORS check; the server fix is then missing-allow-origin's",
  'cached-preflight': 'not a block: the second request passes from the preflight cache (a note, no failing exchange to fix)',
  'reflect-any-origin': 'not a block: the request passes (a warning); the fix is an allow-list, shown on missing-allow-origin and wrong-origin',
  'missing-vary': 'not a block: the request passes (a warning); every verified snippet that echoes an origin sends Vary: Origin',
  'preflight-echo': 'not a block: the request passes (a warning); the verified snippets list the methods and headers by name',
  'authorization-wildcard': 'not a block in Chromium: the request passes (a warning); header-not-allowed verifies listing headers by name',
  'max-age-cap': 'not a block: the request passes (a warning about the cap)',
  'wildcard-with-credentials-header': 'not a block: the request passes without credentials (a warning); wildcard-with-credentials verifies the fix',
  'http-origin-trusted':
    'not a block: the request passes (a warning); the fix is to trust https origins only, which the allow-list snippets do for the origins you list',
  'network-error': 'not CORS: the server sent no response, so there is no CORS layer to fix',
  'max-age-unparsable': 'not a block: the request passes (a warning); the verified snippets send Access-Control-Max-Age as a number',
  'private-network-header': 'not a block: the request passes (a warning); the fix is deleting the obsolete header',
  'chromium-only-safelisted-header': 'the fix is on the client: do not set the header, or allow it in a preflight as header-not-allowed verifies',
  'authorization-dropped-on-redirect': 'the fix is on the client: call the final URL directly (the browser drops Authorization on a cross-origin redirect)',
};
