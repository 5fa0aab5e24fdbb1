/**
 * The CORS lab gallery: one case per common CORS mistake, each with the server behaviour that
 * breaks it, the request a page makes, the rule Chromium reports, and a fixed twin that passes.
 * The cases are data so that the gallery page, the demo, the browser tests and the conformance
 * suite all exercise exactly the same exchanges.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorsErrorName } from '../src/engine/types';
import type { Report, ReportEntry } from '../src/shared/report';
import type { Lab, ResponseSpec } from './server';

/** How the page asks for the resource. */
export type GalleryRequest =
  | {
      kind: 'fetch';
      method?: string;
      headers?: Array<[string, string]>;
      credentials?: 'omit' | 'same-origin' | 'include';
      body?: string;
      /** A response header the page then reads with `response.headers.get()`. */
      readHeader?: string;
      /** `mode: 'no-cors'` for the opaque-response lesson; CORS mode otherwise. */
      mode?: 'no-cors';
      /** fetch()'s Local Network Access option: where the page says the host is. */
      targetAddressSpace?: 'local' | 'loopback' | 'public';
      /** Sends the request this many times to the same URL, one after the other (the preflight cache lesson). */
      repeat?: number;
    }
  | { kind: 'xhr'; method?: string; headers?: Array<[string, string]>; withCredentials?: boolean; body?: string }
  /** An `@font-face` rule whose `src` is the URL. Fonts are always fetched in CORS mode. */
  | { kind: 'font' }
  /** `<img crossorigin="anonymous">`, as pages do before drawing an image into a canvas. */
  | { kind: 'image' }
  /** `<script type="module">`: module scripts are always fetched in CORS mode. */
  | { kind: 'module-script' };

/** `https` is the lab's TLS origin (a self-signed certificate the browser must be told to accept). */
export type LabApiOrigin = 'api' | 'api2' | 'https';

/**
 * One route the lab serves for a case. `path` is relative to the variant's base path
 * (`/cors-lab/<case id>` or `/cors-lab/<case id>/fixed`); the first route is the one requested.
 *
 * Besides the lab's own `{origin}`, `{page}`, `{api}`, `{api2}` and `{https}`, header values and
 * redirect targets may use `{base}` (the variant's base path) and `{api.host}` / `{api2.host}`
 * (host:port, for URLs that need user info in front of the host).
 */
export interface GalleryRoute {
  origin: LabApiOrigin;
  path: string;
  preflight?: ResponseSpec;
  response?: ResponseSpec;
}

/** Chromium's verdict: the `Network.CorsError` name, and `failedParameter` where it is meaningful. */
export interface ExpectedBlock {
  rule: CorsErrorName;
  /** Compared exactly; may use `{page}`, `{api}`, `{api2}`. Omitted where Chromium's value carries no lesson. */
  failedParameter?: string;
}

/** How Firefox's outcome on a broken variant differs from Chromium's (GalleryCase.firefox). */
export interface FirefoxDifference {
  outcome: 'blocked' | 'passed' | 'network-error';
  /** For a network error, the error webRequest reports when it is always the same one. */
  networkError?: string;
  /** The cause CORS Doctor names in Firefox (Verdict.cause.code), null for none; absent: the card's. */
  cause?: string | null;
  /** The warnings CORS Doctor raises in Firefox; absent: the card's. */
  warnings?: string[];
  /** What Firefox does differently, in one sentence. */
  why: string;
}

export interface GalleryCase {
  id: string;
  title: string;
  /** One line: the mistake and what the browser does about it. */
  description: string;
  request: GalleryRequest;
  routes: GalleryRoute[];
  /**
   * Null for a lesson that is not a CORS block: the request passes but the page cannot see what it
   * wants, or (with `networkError`) it fails below CORS.
   */
  expected: ExpectedBlock | null;
  /** Not CORS: the network error Chromium ends the broken request with (`expected` is then null). */
  networkError?: string;
  /** For a non-blocking lesson: what the page sees instead. */
  lesson?: string;
  /** The "not really a CORS bug" cause CORS Doctor names for the broken variant (Verdict.cause.code). */
  expectedCause?: string;
  /** Warning codes CORS Doctor raises on the broken variant; the fixed twin raises none of them. */
  expectedWarnings?: string[];
  /**
   * Where Firefox ESR judges the broken variant otherwise than Chromium, and why (each checked in
   * real Firefox by e2e/firefox/gallery.e2e.ts). Absent: Firefox blocks or passes it as Chromium
   * does, under its own reason key, with the same cause and warnings. The fixed twin passes in both.
   */
  firefox?: FirefoxDifference;
  fixed: {
    /** One line: what the corrected server does differently. */
    note: string;
    routes: GalleryRoute[];
    /** Only when the honest fix is on the client (a method name the server cannot sensibly match). */
    request?: GalleryRequest;
  };
}

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';
const ACEH = 'Access-Control-Expose-Headers';

const echoOrigin: Array<[string, string]> = [
  [ACAO, '{origin}'],
  ['Vary', 'Origin'],
];

function preflightOk(methods: string, headers?: string, credentials = false): ResponseSpec {
  return {
    status: 204,
    headers: [
      ...echoOrigin,
      [ACAM, methods],
      ...(headers ? ([[ACAH, headers]] as Array<[string, string]>) : []),
      ...(credentials ? ([[ACAC, 'true']] as Array<[string, string]>) : []),
      ['Access-Control-Max-Age', '600'],
    ],
  };
}

const jsonOk: ResponseSpec = { status: 200, body: 'json', headers: echoOrigin };

export const GALLERY_CASES: readonly GalleryCase[] = [
  {
    id: 'missing-allow-origin',
    title: 'Missing Access-Control-Allow-Origin',
    description: 'The API answers 200 but sends no Access-Control-Allow-Origin, so the browser hides the response.',
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    fixed: { note: 'Sends Access-Control-Allow-Origin with the page origin (and Vary: Origin).', routes: [{ origin: 'api', path: '', response: jsonOk }] },
  },
  {
    id: 'wrong-origin',
    title: 'Wrong origin allowed',
    description: 'The API allows only the production site, https://app.example.com, not the page that asks.',
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [[ACAO, 'https://app.example.com']] } }],
    expected: { rule: 'AllowOriginMismatch', failedParameter: 'https://app.example.com' },
    fixed: {
      note: 'Checks the request Origin against an allow-list that includes this page, and echoes it.',
      routes: [{ origin: 'api', path: '', response: jsonOk }],
    },
  },
  {
    id: 'trailing-slash',
    title: 'Trailing slash in the origin',
    description: 'Access-Control-Allow-Origin is the page origin plus a "/": origins have no path, so it never matches.',
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [[ACAO, '{page}/']] } }],
    expected: { rule: 'AllowOriginMismatch', failedParameter: '{page}/' },
    fixed: {
      note: 'Sends the origin exactly as the browser wrote it in the Origin header: scheme, host, port, no slash.',
      routes: [{ origin: 'api', path: '', response: jsonOk }],
    },
  },
  {
    id: 'two-values',
    title: 'Two Access-Control-Allow-Origin headers',
    description: 'Both the proxy and the app add Access-Control-Allow-Origin; the browser joins the two lines and rejects the list.',
    request: { kind: 'fetch' },
    routes: [
      {
        origin: 'api',
        path: '',
        response: {
          status: 200,
          body: 'json',
          headers: [
            [ACAO, '{origin}'],
            [ACAO, '{origin}'],
            ['Vary', 'Origin'],
          ],
        },
      },
    ],
    expected: { rule: 'MultipleAllowOriginValues', failedParameter: '{page}, {page}' },
    expectedCause: 'duplicate-cors-layer',
    fixed: { note: 'Only one layer (the app or the proxy, not both) sets the header.', routes: [{ origin: 'api', path: '', response: jsonOk }] },
  },
  {
    id: 'wildcard-with-credentials',
    title: '"*" with credentials',
    description: 'fetch() sends cookies (credentials: "include") but the API answers Access-Control-Allow-Origin: *.',
    request: { kind: 'fetch', credentials: 'include' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [[ACAO, '*']] } }],
    expected: { rule: 'WildcardOriginNotAllowed', failedParameter: '' },
    fixed: {
      note: 'Echoes the allowed origin instead of "*" and adds Access-Control-Allow-Credentials: true.',
      routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [...echoOrigin, [ACAC, 'true']] } }],
    },
  },
  {
    id: 'missing-allow-credentials',
    title: 'Missing Access-Control-Allow-Credentials',
    description: 'An XMLHttpRequest with withCredentials = true gets the right origin back, but no Access-Control-Allow-Credentials: true.',
    request: { kind: 'xhr', withCredentials: true },
    routes: [{ origin: 'api', path: '', response: jsonOk }],
    expected: { rule: 'InvalidAllowCredentials', failedParameter: '' },
    fixed: {
      note: 'Adds Access-Control-Allow-Credentials: true (exactly "true", lower case).',
      routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [...echoOrigin, [ACAC, 'true']] } }],
    },
  },
  {
    id: 'preflight-404',
    title: 'Preflight not handled (404)',
    description: 'PUT needs a preflight; the router has no OPTIONS route and answers 404 without CORS headers.',
    request: { kind: 'fetch', method: 'PUT', headers: [['Content-Type', 'text/plain']], body: 'hello' },
    routes: [{ origin: 'api', path: '', preflight: { status: 404, body: 'text' }, response: jsonOk }],
    expected: { rule: 'PreflightMissingAllowOriginHeader', failedParameter: '' },
    fixed: {
      note: 'Answers OPTIONS with 204, the origin and Access-Control-Allow-Methods: PUT.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PUT'), response: jsonOk }],
    },
  },
  {
    id: 'preflight-405',
    title: 'Preflight not handled (405)',
    description: 'The CORS headers are set globally, but the DELETE route rejects OPTIONS with 405 Method Not Allowed.',
    request: { kind: 'fetch', method: 'DELETE' },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: { status: 405, body: 'text', headers: [...echoOrigin, ['Allow', 'GET, DELETE']] },
        response: jsonOk,
      },
    ],
    expected: { rule: 'PreflightInvalidStatus', failedParameter: '' },
    fixed: {
      note: 'Handles OPTIONS before routing: 204 with Access-Control-Allow-Methods: DELETE.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, DELETE'), response: jsonOk }],
    },
  },
  {
    id: 'preflight-auth',
    title: 'Preflight behind authentication (401)',
    description: 'The auth check runs before CORS and answers the preflight 401; browsers never send credentials on a preflight.',
    request: { kind: 'fetch', headers: [['Authorization', 'Bearer lab-token']] },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: { status: 401, body: 'json', headers: [...echoOrigin, ['WWW-Authenticate', 'Bearer']] },
        response: { status: 200, body: 'json', headers: echoOrigin },
      },
    ],
    expected: { rule: 'PreflightInvalidStatus', failedParameter: '' },
    expectedCause: 'preflight-auth-layer',
    fixed: {
      note: 'Lets OPTIONS through without authentication and allows the Authorization header.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET', 'Authorization'), response: jsonOk }],
    },
  },
  {
    id: 'preflight-redirect',
    title: 'Preflight redirected',
    description: 'The API redirects /path to /path/ (or http to https); a preflight may not follow any redirect.',
    request: { kind: 'fetch', method: 'PUT', body: 'hello' },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: { headers: echoOrigin, redirect: { to: '{api}{base}/', status: 302 } },
        response: jsonOk,
      },
      { origin: 'api', path: '/', preflight: preflightOk('PUT'), response: jsonOk },
    ],
    expected: { rule: 'PreflightDisallowedRedirect', failedParameter: '' },
    fixed: {
      note: 'Answers the preflight at the URL the page calls (clients call the final URL).',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PUT'), response: jsonOk }],
    },
  },
  {
    id: 'method-not-allowed',
    title: 'Method not allowed',
    description: 'The preflight allows GET and POST only; the page sends PUT.',
    request: { kind: 'fetch', method: 'PUT', body: 'hello' },
    routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, POST'), response: jsonOk }],
    expected: { rule: 'MethodDisallowedByPreflightResponse', failedParameter: 'PUT' },
    fixed: {
      note: 'Lists PUT in Access-Control-Allow-Methods.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, POST, PUT'), response: jsonOk }],
    },
  },
  {
    id: 'patch-lower-case',
    title: 'PATCH sent lower-case',
    description: 'fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT; "patch" stays "patch" and does not match "PATCH".',
    request: { kind: 'fetch', method: 'patch', body: 'hello' },
    routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PATCH'), response: jsonOk }],
    expected: { rule: 'MethodDisallowedByPreflightResponse', failedParameter: 'patch' },
    fixed: {
      note: 'The client writes method: "PATCH"; method names are case-sensitive and the server is right.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PATCH'), response: jsonOk }],
      request: { kind: 'fetch', method: 'PATCH', body: 'hello' },
    },
  },
  {
    id: 'header-not-allowed',
    title: 'Request header not allowed',
    description: 'The page adds X-Request-Id; the preflight answer does not list it in Access-Control-Allow-Headers.',
    request: { kind: 'fetch', headers: [['X-Request-Id', 'lab-42']] },
    routes: [{ origin: 'api', path: '', preflight: preflightOk('GET', 'Authorization'), response: jsonOk }],
    expected: { rule: 'HeaderDisallowedByPreflightResponse', failedParameter: 'x-request-id' },
    fixed: {
      note: 'Lists X-Request-Id in Access-Control-Allow-Headers.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET', 'Authorization, X-Request-Id'), response: jsonOk }],
    },
  },
  {
    id: 'json-content-type',
    title: 'JSON Content-Type triggers a preflight',
    description: 'Content-Type: application/json is not a "simple" type, so a preflight goes out; the server never allowed Content-Type.',
    request: { kind: 'fetch', method: 'POST', headers: [['Content-Type', 'application/json']], body: '{"hello":"lab"}' },
    routes: [{ origin: 'api', path: '', preflight: { status: 200, body: 'json', headers: echoOrigin }, response: jsonOk }],
    expected: { rule: 'HeaderDisallowedByPreflightResponse', failedParameter: 'content-type' },
    fixed: {
      note: 'Answers the preflight with Access-Control-Allow-Headers: Content-Type.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('POST', 'Content-Type'), response: jsonOk }],
    },
  },
  {
    id: 'error-without-cors',
    title: 'Error response without CORS headers',
    description: 'The API fails with 500 from an error handler that skips the CORS middleware: the page sees a CORS error, not the 500.',
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { status: 500, body: 'json' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    expectedCause: 'error-status-without-cors',
    fixed: {
      note: 'Adds the CORS headers to error responses too, so the page can read the 500 and its message.',
      routes: [{ origin: 'api', path: '', response: { status: 500, body: 'json', headers: echoOrigin } }],
    },
  },
  {
    id: 'redirect-null-origin',
    title: 'Cross-origin redirect makes the origin "null"',
    description: 'The API redirects to another origin; after that hop the browser sends Origin: null, which the allow-list rejects.',
    request: { kind: 'fetch' },
    routes: [
      { origin: 'api', path: '', response: { headers: echoOrigin, redirect: { to: '{api2}{base}/target', status: 302 } } },
      { origin: 'api2', path: '/target', response: { status: 200, body: 'json', headers: [[ACAO, '{page}']] } },
    ],
    expected: { rule: 'AllowOriginMismatch', failedParameter: '{page}' },
    fixed: {
      note: 'The redirect target is public and answers Access-Control-Allow-Origin: * (or the page calls the final URL directly).',
      routes: [
        { origin: 'api', path: '', response: { headers: echoOrigin, redirect: { to: '{api2}{base}/target', status: 302 } } },
        { origin: 'api2', path: '/target', response: { status: 200, body: 'json', headers: [[ACAO, '*']] } },
      ],
    },
  },
  {
    id: 'redirect-with-credentials',
    title: 'Credentials in a redirect',
    description: 'The API redirects to a URL with user:password@ in it, which browsers refuse for cross-origin requests.',
    request: { kind: 'fetch' },
    routes: [
      { origin: 'api', path: '', response: { headers: echoOrigin, redirect: { to: 'http://lab:secret@{api.host}{base}/target', status: 302 } } },
      { origin: 'api', path: '/target', response: jsonOk },
    ],
    expected: { rule: 'RedirectContainsCredentials' },
    firefox: {
      outcome: 'network-error',
      cause: null,
      why: 'Firefox fails a redirect to a URL with credentials as a network error (webRequest said NS_ERROR_UNEXPECTED or NS_ERROR_NET_ON_RECEIVING_FROM, from run to run), and its console says only "CORS request did not succeed".',
    },
    fixed: {
      note: 'Redirects to a plain URL and authenticates with a header or cookie instead.',
      routes: [
        { origin: 'api', path: '', response: { headers: echoOrigin, redirect: { to: '{api}{base}/target', status: 302 } } },
        { origin: 'api', path: '/target', response: jsonOk },
      ],
    },
  },
  {
    id: 'font-without-cors',
    title: 'Web font without CORS headers',
    description: 'An @font-face font from a CDN origin: fonts are always fetched in CORS mode, so the CDN must allow it.',
    request: { kind: 'font' },
    routes: [{ origin: 'api2', path: '', response: { status: 200, body: 'font' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    fixed: {
      note: 'The CDN sends Access-Control-Allow-Origin: * for fonts.',
      routes: [{ origin: 'api2', path: '', response: { status: 200, body: 'font', headers: [[ACAO, '*']] } }],
    },
  },
  {
    id: 'image-crossorigin',
    title: 'Image with crossorigin, no CORS headers',
    description: '<img crossorigin> (needed to read pixels from a canvas) makes the image a CORS request the server does not answer.',
    request: { kind: 'image' },
    routes: [{ origin: 'api2', path: '', response: { status: 200, body: 'image' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    fixed: {
      note: 'The image server sends Access-Control-Allow-Origin: *.',
      routes: [{ origin: 'api2', path: '', response: { status: 200, body: 'image', headers: [[ACAO, '*']] } }],
    },
  },
  {
    id: 'module-script',
    title: 'Module script from another origin',
    description: '<script type="module"> is always a CORS request; a script CDN without CORS headers breaks it.',
    request: { kind: 'module-script' },
    routes: [{ origin: 'api2', path: '', response: { status: 200, body: 'module' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    fixed: {
      note: 'The script server sends Access-Control-Allow-Origin: *.',
      routes: [{ origin: 'api2', path: '', response: { status: 200, body: 'module', headers: [[ACAO, '*']] } }],
    },
  },
  {
    id: 'header-not-exposed',
    title: 'Response header not exposed',
    description: 'Not a block: the request passes, but JavaScript reads X-Total-Count as null because the server never exposed it.',
    request: { kind: 'fetch', readHeader: 'X-Total-Count' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [...echoOrigin, ['X-Total-Count', '42']] } }],
    expected: null,
    lesson: 'response.headers.get("X-Total-Count") returns null',
    expectedWarnings: ['header-not-exposed'],
    fixed: {
      note: 'Adds Access-Control-Expose-Headers: X-Total-Count.',
      routes: [
        {
          origin: 'api',
          path: '',
          response: { status: 200, body: 'json', headers: [...echoOrigin, ['X-Total-Count', '42'], [ACEH, 'X-Total-Count']] },
        },
      ],
    },
  },
  {
    id: 'dev-server-host-check',
    title: 'Dev server refuses the origin (403)',
    description:
      "A dev server (Vite, Next.js, webpack-dev-server) checks Host/Origin itself and answers 403 before any app code: it looks like CORS, and the app's CORS settings cannot fix it.",
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { status: 403, body: 'Blocked request. This host is not allowed.\n' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    expectedCause: 'dev-server-refused-origin',
    fixed: {
      note: "The dev server's own setting allows the page (Vite server.allowedHosts / server.cors, Next.js allowedDevOrigins), so the app answers with its CORS headers.",
      routes: [{ origin: 'api', path: '', response: jsonOk }],
    },
  },
  {
    id: 'error-path-without-cors',
    title: 'CORS headers only on success',
    description:
      'The preflight and the 2xx answers carry CORS headers, but the error handler answers 500 without them: the page sees a CORS error instead of the 500.',
    request: { kind: 'fetch', method: 'PUT', body: 'hello' },
    routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PUT'), response: { status: 500, body: 'json' } }],
    expected: { rule: 'MissingAllowOriginHeader', failedParameter: '' },
    expectedCause: 'error-status-without-cors',
    expectedWarnings: ['cors-missing-on-errors'],
    fixed: {
      note: 'The CORS middleware runs before the error handler (nginx: add_header … always), so the 500 carries the headers and the page reads it.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PUT'), response: { status: 500, body: 'json', headers: echoOrigin } }],
    },
  },
  {
    id: 'local-network-target',
    title: 'Local Network Access: wrong targetAddressSpace',
    description:
      "fetch() says targetAddressSpace: 'local' (a LAN device), but the host is loopback: Chromium refuses to connect. The server sends every CORS header (even Access-Control-Allow-Private-Network) and none helps. On a public site the same check asks the user for the local-network permission.",
    request: { kind: 'fetch', targetAddressSpace: 'local' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [...echoOrigin, ['Access-Control-Allow-Private-Network', 'true']] } }],
    expected: { rule: 'InvalidLocalNetworkAccess', failedParameter: '' },
    expectedCause: 'local-network-access',
    firefox: {
      outcome: 'passed',
      cause: null,
      why: 'Firefox has no Local Network Access check and ignores targetAddressSpace: the request reaches the server, whose CORS headers allow it.',
    },
    fixed: {
      note: "Client change: targetAddressSpace: 'loopback', where the host really is (or leave the option out). The server is unchanged.",
      routes: [{ origin: 'api', path: '', response: jsonOk }],
      request: { kind: 'fetch', targetAddressSpace: 'loopback' },
    },
  },
  {
    id: 'cached-preflight',
    title: 'Preflight served from the cache',
    description:
      'The same PUT is sent twice: the second needs no OPTIONS, Chromium answers it from its preflight cache (Access-Control-Max-Age: 600), while the server now allows other methods. "I fixed the server and nothing changed."',
    request: { kind: 'fetch', method: 'PUT', body: 'hello', repeat: 2 },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: preflightOk('GET, PUT'),
        response: { status: 200, body: 'json', headers: [...echoOrigin, [ACAM, 'GET, POST']] },
      },
    ],
    expected: null,
    lesson: 'the second PUT passes without a preflight',
    expectedWarnings: ['preflight-from-cache', 'preflight-cache-stale'],
    fixed: {
      note: 'Answers the same CORS policy everywhere and, while it is changing, Access-Control-Max-Age: 0, so every request asks again.',
      routes: [
        {
          origin: 'api',
          path: '',
          preflight: { status: 204, headers: [...echoOrigin, [ACAM, 'GET, PUT'], ['Access-Control-Max-Age', '0']] },
          response: { status: 200, body: 'json', headers: [...echoOrigin, [ACAM, 'GET, PUT']] },
        },
      ],
    },
  },
  {
    id: 'reflect-any-origin',
    title: 'Every origin echoed, with credentials',
    description:
      "The API reflects whatever Origin it gets, with Access-Control-Allow-Credentials: true. After a cross-origin redirect the browser sends Origin: null, and the server allows even that: any site could read this API with the user's cookies.",
    request: { kind: 'fetch', credentials: 'include' },
    routes: [
      { origin: 'api', path: '', response: { headers: [...echoOrigin, [ACAC, 'true']], redirect: { to: '{api2}{base}/data', status: 302 } } },
      { origin: 'api2', path: '/data', response: { status: 200, body: 'json', headers: [...echoOrigin, [ACAC, 'true']] } },
    ],
    expected: null,
    lesson: 'the request passes, from any origin',
    expectedWarnings: ['origin-reflected', 'null-origin-allowed'],
    fixed: {
      note: 'Checks Origin against an allow-list and echoes only origins on it (never "null"); the page calls the data URL directly.',
      routes: [
        {
          origin: 'api2',
          path: '/data',
          response: {
            status: 200,
            body: 'json',
            headers: [
              [ACAO, '{page}'],
              ['Vary', 'Origin'],
              [ACAC, 'true'],
            ],
          },
        },
      ],
    },
  },
  {
    id: 'missing-vary',
    title: 'Echoed origin without Vary: Origin',
    description: "The API echoes the request Origin but does not send Vary: Origin, so a shared cache can serve one origin's answer to another.",
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [[ACAO, '{origin}']] } }],
    expected: null,
    lesson: 'the request passes; a CDN in front may break (or leak) it for other origins',
    expectedWarnings: ['missing-vary-origin'],
    fixed: { note: 'Adds Vary: Origin next to the echoed origin.', routes: [{ origin: 'api', path: '', response: jsonOk }] },
  },
  {
    id: 'preflight-echo',
    title: 'Preflight echoes whatever is asked',
    description:
      "The preflight answers Access-Control-Allow-Headers and -Methods by copying the request's own Access-Control-Request-Headers and -Method: every header and method is allowed.",
    request: {
      kind: 'fetch',
      method: 'PUT',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Request-Id', 'lab-7'],
      ],
      body: '{}',
    },
    routes: [{ origin: 'api', path: '', preflight: { status: 204, headers: [...echoOrigin, [ACAM, '{acrm}'], [ACAH, '{acrh}']] }, response: jsonOk }],
    expected: null,
    lesson: 'the request passes, and so would any header a page invents',
    expectedWarnings: ['preflight-echoes-request'],
    fixed: {
      note: 'Lists the headers and methods the API accepts.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, POST, PUT', 'Content-Type, X-Request-Id'), response: jsonOk }],
    },
  },
  {
    id: 'authorization-wildcard',
    title: 'Authorization allowed only by "*"',
    description:
      'The preflight answers Access-Control-Allow-Headers: *. Chromium lets it cover Authorization; the Fetch standard says * never covers Authorization.',
    request: { kind: 'fetch', headers: [['Authorization', 'Bearer lab-token']] },
    routes: [{ origin: 'api', path: '', preflight: { status: 204, headers: [...echoOrigin, [ACAH, '*']] }, response: jsonOk }],
    expected: null,
    lesson: 'the request passes in Chromium',
    expectedWarnings: ['authorization-wildcard'],
    fixed: {
      note: 'Lists Authorization explicitly in Access-Control-Allow-Headers.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET', 'Authorization'), response: jsonOk }],
    },
  },
  {
    id: 'max-age-cap',
    title: 'Access-Control-Max-Age of a day',
    description: 'The preflight says Access-Control-Max-Age: 86400; Chromium keeps it at most 2 hours (Firefox 24 h), so the setting does not do what it says.',
    request: { kind: 'fetch', method: 'DELETE' },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: { status: 204, headers: [...echoOrigin, [ACAM, 'GET, DELETE'], ['Access-Control-Max-Age', '86400']] },
        response: jsonOk,
      },
    ],
    expected: null,
    lesson: 'the request passes',
    expectedWarnings: ['max-age-above-cap'],
    fixed: {
      note: 'Uses Access-Control-Max-Age: 7200 or less.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, DELETE'), response: jsonOk }],
    },
  },
  {
    id: 'wildcard-with-credentials-header',
    title: '"*" with Access-Control-Allow-Credentials',
    description:
      'The API sends Access-Control-Allow-Origin: * and Access-Control-Allow-Credentials: true. It passes without cookies, and fails the day the page sends them.',
    request: { kind: 'fetch' },
    routes: [
      {
        origin: 'api',
        path: '',
        response: {
          status: 200,
          body: 'json',
          headers: [
            [ACAO, '*'],
            [ACAC, 'true'],
          ],
        },
      },
    ],
    expected: null,
    lesson: 'the request passes (without credentials)',
    expectedWarnings: ['wildcard-with-credentials'],
    fixed: {
      note: 'Public data: Access-Control-Allow-Origin: * without Allow-Credentials.',
      routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json', headers: [[ACAO, '*']] } }],
    },
  },
  {
    id: 'no-cors-opaque',
    title: "mode: 'no-cors' gives an empty response",
    description:
      "fetch() with mode: 'no-cors' never fails on CORS, but the response is opaque: status 0, no headers, an empty body. It is not a way around CORS.",
    request: { kind: 'fetch', mode: 'no-cors' },
    routes: [{ origin: 'api', path: '', response: { status: 200, body: 'json' } }],
    expected: null,
    lesson: 'response.type is "opaque", status 0, body ""',
    expectedWarnings: ['no-cors-opaque'],
    fixed: {
      note: "Client change: the default mode: 'cors', and the server sends Access-Control-Allow-Origin.",
      routes: [{ origin: 'api', path: '', response: jsonOk }],
      request: { kind: 'fetch' },
    },
  },
  {
    id: 'http-origin-trusted',
    title: 'An https API trusts a plain-http page',
    description:
      "The https API echoes this page's http:// origin with Access-Control-Allow-Credentials: true. Anyone on the network path can impersonate an http origin (inject a script into it) and read the signed-in user's data from the https API.",
    request: { kind: 'fetch', credentials: 'include' },
    routes: [{ origin: 'https', path: '', response: { status: 200, body: 'json', headers: [...echoOrigin, [ACAC, 'true']] } }],
    expected: null,
    lesson: "the request passes, with the user's cookies, from an origin a network attacker can forge",
    expectedWarnings: ['http-origin-trusted'],
    fixed: {
      note: 'Trusts https origins only: the credentialed data goes to the page once it is served over https; this plain-http page gets the public data only (Access-Control-Allow-Origin: *, no cookies).',
      routes: [{ origin: 'https', path: '', response: { status: 200, body: 'json', headers: [[ACAO, '*']] } }],
      request: { kind: 'fetch' },
    },
  },
  {
    id: 'network-error',
    title: 'Not CORS: the connection failed',
    description:
      'The server closes the connection without answering (a crash, a proxy timeout, a port nothing serves). fetch() rejects with the same TypeError as on a CORS block, but no response arrived, so no CORS header could help.',
    request: { kind: 'fetch' },
    routes: [{ origin: 'api', path: '', response: { drop: true } }],
    expected: null,
    networkError: 'net::ERR_EMPTY_RESPONSE',
    expectedCause: 'network-error',
    firefox: {
      outcome: 'network-error',
      networkError: 'NS_ERROR_NET_RESET',
      why: 'Firefox names the dropped connection NS_ERROR_NET_RESET (Chromium: net::ERR_EMPTY_RESPONSE); its console says "CORS request did not succeed".',
    },
    fixed: {
      note: 'The server answers (here with its CORS headers): fix the crash or the connection first, then look at CORS.',
      routes: [{ origin: 'api', path: '', response: jsonOk }],
    },
  },
  {
    id: 'max-age-unparsable',
    title: 'Access-Control-Max-Age is not a number',
    description:
      'The preflight says Access-Control-Max-Age: 10 minutes. It is not a number of seconds: Chromium falls back to its 5 s default, Firefox does not cache the preflight at all.',
    request: { kind: 'fetch', method: 'DELETE' },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: { status: 204, headers: [...echoOrigin, [ACAM, 'GET, DELETE'], ['Access-Control-Max-Age', '10 minutes']] },
        response: jsonOk,
      },
    ],
    expected: null,
    lesson: 'the request passes, and every later one is preflighted again',
    expectedWarnings: ['max-age-unparsable'],
    fixed: {
      note: 'Writes the seconds as a number: Access-Control-Max-Age: 600.',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, DELETE'), response: jsonOk }],
    },
  },
  {
    id: 'private-network-header',
    title: 'Obsolete Access-Control-Allow-Private-Network',
    description:
      'The preflight answers Access-Control-Allow-Private-Network: true, the header of Private Network Access. Chromium replaced it with Local Network Access, a user permission: the header does nothing now, and it will not fix a local-network block.',
    request: { kind: 'fetch', method: 'PUT', body: 'hello' },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: {
          status: 204,
          headers: [...echoOrigin, [ACAM, 'GET, PUT'], ['Access-Control-Allow-Private-Network', 'true'], ['Access-Control-Max-Age', '600']],
        },
        response: jsonOk,
      },
    ],
    expected: null,
    lesson: 'the request passes; the header played no part in it',
    expectedWarnings: ['private-network-header'],
    fixed: {
      note: 'Drops the obsolete header (a public page reaching a local address needs the local-network permission instead).',
      routes: [{ origin: 'api', path: '', preflight: preflightOk('GET, PUT'), response: jsonOk }],
    },
  },
  {
    id: 'chromium-only-safelisted-header',
    title: 'A header only Chromium lets through without a preflight',
    description:
      'The page sets Save-Data: on. Chromium counts it (like its client hints DPR, Width, Device-Memory) as safelisted and sends no preflight; the Fetch standard and Firefox do not, so there the request needs a preflight this server never answers.',
    request: { kind: 'fetch', headers: [['Save-Data', 'on']] },
    routes: [{ origin: 'api', path: '', response: jsonOk }],
    expected: null,
    lesson: 'the request passes in Chromium without a preflight',
    expectedWarnings: ['chromium-only-safelisted-header'],
    firefox: {
      outcome: 'blocked',
      warnings: [],
      why: "Firefox safelists none of Chromium's extra headers, so it preflights the request, and this server answers no preflight (404).",
    },
    fixed: {
      note: 'Client change: the page does not set the header itself (the browser sends client hints on its own where the server asks with Accept-CH). If it must, the server answers a preflight that allows it.',
      routes: [{ origin: 'api', path: '', response: jsonOk }],
      request: { kind: 'fetch' },
    },
  },
  {
    id: 'authorization-dropped-on-redirect',
    title: 'Authorization dropped on a cross-origin redirect',
    description:
      'The page sends Authorization; the API redirects to another origin, and the browser drops Authorization on a cross-origin redirect. The target answers 401: the token never arrived.',
    request: { kind: 'fetch', headers: [['Authorization', 'Bearer lab-token']] },
    routes: [
      {
        origin: 'api',
        path: '',
        preflight: preflightOk('GET', 'Authorization'),
        response: { headers: echoOrigin, redirect: { to: '{api2}{base}/data', status: 302 } },
      },
      {
        origin: 'api2',
        path: '/data',
        response: {
          status: 401,
          body: 'json',
          headers: [
            [ACAO, '*'],
            ['WWW-Authenticate', 'Bearer'],
          ],
        },
      },
    ],
    expected: null,
    lesson: 'the request "passes" with 401 Unauthorized',
    expectedWarnings: ['authorization-dropped-on-redirect'],
    firefox: {
      outcome: 'blocked',
      warnings: [],
      why: "Firefox drops Authorization on the cross-origin redirect too, but preflights the target again (a request preflighted once is preflighted after each redirect, with the page's origin); the target answers no preflight (404), so the request is blocked there instead of reaching the 401.",
    },
    fixed: {
      note: 'Client change: the page calls the final URL directly, whose preflight allows Authorization.',
      routes: [{ origin: 'api2', path: '/data', preflight: preflightOk('GET', 'Authorization'), response: jsonOk }],
    },
  },
];

export type VariantName = 'broken' | 'fixed';

/** A case variant with concrete URLs, as the gallery page and the tests use it. */
export interface ResolvedVariant {
  /** The URL the page requests (before any cache-busting `run` parameter). */
  url: string;
  request: GalleryRequest;
  /** For the broken variant: Chromium's expected verdict (null for a non-blocking lesson); always null for fixed. */
  expected: ExpectedBlock | null;
  /** For the broken variant of a network-error card: Chromium's net error; otherwise null. */
  networkError: string | null;
}

export interface ResolvedCase {
  id: string;
  title: string;
  description: string;
  lesson: string | null;
  expectedCause: string | null;
  expectedWarnings: string[];
  /** GalleryCase.firefox: where Firefox judges the broken variant otherwise, or null. */
  firefox: FirefoxDifference | null;
  fixNote: string;
  broken: ResolvedVariant;
  fixed: ResolvedVariant;
}

export interface LabOrigins {
  page: string;
  api: string;
  api2: string;
  https: string;
}

export const GALLERY_BASE_PATH = '/cors-lab';

export function variantBasePath(caseId: string, variant: VariantName): string {
  return variant === 'broken' ? `${GALLERY_BASE_PATH}/${caseId}` : `${GALLERY_BASE_PATH}/${caseId}/fixed`;
}

/** Fills the gallery's own placeholders; `{origin}` is left for the lab, which knows the request. */
export function fillTemplate(value: string, origins: LabOrigins, base = ''): string {
  return value
    .replaceAll('{base}', base)
    .replaceAll('{page}', origins.page)
    .replaceAll('{api}', origins.api)
    .replaceAll('{api2}', origins.api2)
    .replaceAll('{https}', origins.https)
    .replaceAll('{api.host}', new URL(origins.api).host)
    .replaceAll('{api2.host}', new URL(origins.api2).host);
}

function fillSpec(spec: ResponseSpec | undefined, origins: LabOrigins, base: string): ResponseSpec | undefined {
  if (!spec) return undefined;
  return {
    ...spec,
    headers: spec.headers?.map(([name, value]) => [name, fillTemplate(value, origins, base)] as [string, string]),
    redirect: spec.redirect ? { ...spec.redirect, to: fillTemplate(spec.redirect.to, origins, base) } : undefined,
  };
}

function variantUrl(routes: readonly GalleryRoute[], origins: LabOrigins, base: string): string {
  const requested = routes[0];
  if (!requested) throw new Error(`The gallery variant at ${base} has no route`);
  return `${origins[requested.origin]}${base}${requested.path}`;
}

/** The cases with concrete URLs and expectations for these lab origins (no lab needed). */
export function resolveGalleryCases(origins: LabOrigins, cases: readonly GalleryCase[] = GALLERY_CASES): ResolvedCase[] {
  return cases.map((galleryCase) => ({
    id: galleryCase.id,
    title: galleryCase.title,
    description: galleryCase.description,
    lesson: galleryCase.lesson ?? null,
    expectedCause: galleryCase.expectedCause ?? null,
    expectedWarnings: galleryCase.expectedWarnings ?? [],
    firefox: galleryCase.firefox ?? null,
    fixNote: galleryCase.fixed.note,
    broken: {
      url: variantUrl(galleryCase.routes, origins, variantBasePath(galleryCase.id, 'broken')),
      request: galleryCase.request,
      expected: galleryCase.expected && {
        rule: galleryCase.expected.rule,
        ...(galleryCase.expected.failedParameter !== undefined && {
          failedParameter: fillTemplate(galleryCase.expected.failedParameter, origins),
        }),
      },
      networkError: galleryCase.networkError ?? null,
    },
    fixed: {
      url: variantUrl(galleryCase.fixed.routes, origins, variantBasePath(galleryCase.id, 'fixed')),
      request: galleryCase.fixed.request ?? galleryCase.request,
      expected: null,
      networkError: null,
    },
  }));
}

/** Registers every case's routes (broken and fixed) with the lab and resolves their URLs. */
export function registerGalleryRoutes(lab: Lab, cases: readonly GalleryCase[] = GALLERY_CASES): ResolvedCase[] {
  for (const galleryCase of cases) {
    for (const [variant, routes] of [
      ['broken', galleryCase.routes],
      ['fixed', galleryCase.fixed.routes],
    ] as const) {
      const base = variantBasePath(galleryCase.id, variant);
      for (const route of routes) {
        lab.route(route.origin, base + route.path, {
          preflight: fillSpec(route.preflight, lab.origins, base),
          response: fillSpec(route.response, lab.origins, base),
        });
      }
    }
  }
  return resolveGalleryCases(lab.origins, cases);
}

/** Which case and variant a request URL belongs to (query and fragment ignored), or null. */
export function findVariant(cases: readonly ResolvedCase[], url: string): { galleryCase: ResolvedCase; variant: VariantName } | null {
  const key = withoutQuery(url);
  for (const galleryCase of cases) {
    if (withoutQuery(galleryCase.broken.url) === key) return { galleryCase, variant: 'broken' };
    if (withoutQuery(galleryCase.fixed.url) === key) return { galleryCase, variant: 'fixed' };
  }
  return null;
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

const ASSETS_DIR = join(import.meta.dirname, 'gallery');

/** The gallery page's HTML: the page script renders the cards from the embedded case list. */
export function galleryPageHtml(cases: readonly ResolvedCase[], origins: LabOrigins): string {
  const data = JSON.stringify({ cases, origins }).replaceAll('<', '\\u003c');
  const style = readFileSync(join(ASSETS_DIR, 'gallery.css'), 'utf8');
  const script = readFileSync(join(ASSETS_DIR, 'gallery.js'), 'utf8');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CORS lab</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body data-state="idle">
<header class="top">
  <div>
    <h1>CORS lab</h1>
    <p class="lede">Every card is a real CORS mistake served by this lab. Send the broken request and watch CORS Doctor name the rule; send the fixed one to see the corrected server pass.</p>
  </div>
  <div class="run">
    <button id="run-all" type="button">Run all</button>
    <p id="progress" aria-live="polite"></p>
  </div>
</header>
<main id="cards"></main>
<script type="application/json" id="gallery-data">${data}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Registers the routes and the gallery page; returns the page URL and the resolved cases. */
export function mountGallery(lab: Lab, path = '/'): { url: string; cases: ResolvedCase[] } {
  const cases = registerGalleryRoutes(lab);
  const url = lab.page(path, galleryPageHtml(cases, lab.origins));
  return { url, cases };
}

/** How one gallery variant fared in a CORS Doctor report. */
export interface VariantCheck {
  galleryCase: ResolvedCase;
  variant: VariantName;
  /** The newest entry for the variant's URL, or null when the extension captured none. */
  entry: ReportEntry | null;
  ok: boolean;
  /** Why it is not ok, in one sentence. */
  problem: string | null;
}

/** The browser a report was captured in: the gallery's expectations are Chromium's, with Firefox's differences (GalleryCase.firefox). */
export type GalleryBrowser = 'chromium' | 'firefox';

/** What a card expects of its broken variant in Firefox. */
export interface FirefoxExpectation {
  outcome: FirefoxDifference['outcome'];
  /** The network error, where it is always the same one. */
  networkError: string | null;
  cause: string | null;
  warnings: string[];
  /** Why Firefox differs from Chromium here, or null where it does not. */
  why: string | null;
}

export function firefoxExpectation(galleryCase: ResolvedCase): FirefoxExpectation {
  const difference = galleryCase.firefox;
  const broken = galleryCase.broken;
  return {
    outcome: difference?.outcome ?? (broken.expected ? 'blocked' : broken.networkError ? 'network-error' : 'passed'),
    networkError: difference ? (difference.networkError ?? null) : null,
    cause: difference?.cause !== undefined ? difference.cause : galleryCase.expectedCause,
    warnings: difference?.warnings ?? galleryCase.expectedWarnings,
    why: difference?.why ?? null,
  };
}

/**
 * Compares a report (getReport or the JSON export) with the gallery: every broken variant must be
 * diagnosed with its Chromium rule (and failedParameter, where the case gives one) or, on a
 * network-error card, as that network error; every non-blocking lesson and every fixed twin must
 * be judged not blocked. In Firefox, each broken variant must have the outcome, cause and warnings
 * of firefoxExpectation (the reason key is Firefox's own, which the Firefox test compares with
 * Firefox's console).
 */
export function checkReport(report: Pick<Report, 'entries'>, cases: readonly ResolvedCase[], browser: GalleryBrowser = 'chromium'): VariantCheck[] {
  const newest = new Map<string, ReportEntry>();
  for (const entry of report.entries) {
    if (entry.request.method === 'OPTIONS') continue;
    const found = findVariant(cases, entry.request.url);
    if (!found) continue;
    const key = `${found.galleryCase.id}/${found.variant}`;
    const previous = newest.get(key);
    if (!previous || previous.time <= entry.time) newest.set(key, entry);
  }
  return cases.flatMap((galleryCase) =>
    (['broken', 'fixed'] as const).map((variant) => {
      const entry = newest.get(`${galleryCase.id}/${variant}`) ?? null;
      const problem = entry
        ? browser === 'firefox'
          ? (firefoxVerdictProblem(galleryCase, variant, entry) ?? beyondProblem(galleryCase, variant, entry, firefoxExpectation(galleryCase)))
          : (verdictProblem(galleryCase[variant], entry) ?? beyondProblem(galleryCase, variant, entry))
        : 'CORS Doctor captured no request for it';
      return { galleryCase, variant, entry, ok: problem === null, problem };
    }),
  );
}

/**
 * The cause and warnings the card promises on the broken variant, and their absence on the fixed
 * twin. In Firefox (`firefox` given) the broken variant's cause is exact: none where none is expected.
 */
function beyondProblem(galleryCase: ResolvedCase, variant: VariantName, entry: ReportEntry, firefox?: FirefoxExpectation): string | null {
  const { verdict } = entry;
  const warnings = (verdict.warnings ?? []).map((warning) => warning.code);
  const cause = verdict.cause?.code ?? null;
  if (variant === 'broken') {
    const expectedCause = firefox ? firefox.cause : galleryCase.expectedCause;
    if ((firefox !== undefined || expectedCause !== null) && cause !== expectedCause)
      return `expected ${expectedCause === null ? 'no cause' : `the cause ${expectedCause}`}, but CORS Doctor said ${cause ?? 'none'}`;
    const missing = (firefox ? firefox.warnings : galleryCase.expectedWarnings).filter((code) => !warnings.includes(code));
    if (missing.length > 0) return `expected the warning ${missing.join(', ')}, but CORS Doctor raised ${warnings.join(', ') || 'none'}`;
    return null;
  }
  if (cause !== null) return `expected no cause on the fixed twin, but CORS Doctor said ${cause}`;
  const kept = warnings.filter((code) => galleryCase.expectedWarnings.includes(code) || code === galleryCase.expectedCause);
  if (kept.length > 0) return `expected the fixed twin without ${kept.join(', ')}`;
  return null;
}

/** The outcome firefoxExpectation gives the broken variant (passed for the fixed twin) against the entry's verdict. */
function firefoxVerdictProblem(galleryCase: ResolvedCase, variant: VariantName, entry: ReportEntry): string | null {
  const { verdict } = entry;
  const expected = variant === 'broken' ? firefoxExpectation(galleryCase) : { outcome: 'passed', networkError: null };
  const outcome = verdict.blocked ? 'blocked' : verdict.kind === 'network-error' ? 'network-error' : 'passed';
  const said = `CORS Doctor said ${outcome}${verdict.firefox ? ` (${verdict.firefox.key})` : ''}${verdict.networkError ? ` (${verdict.networkError})` : ''}`;
  if (outcome !== expected.outcome) return `expected ${expected.outcome} in Firefox, but ${said}`;
  if (expected.networkError !== null && verdict.networkError !== expected.networkError)
    return `expected the network error ${expected.networkError}, but ${said}`;
  return null;
}

function verdictProblem({ expected, networkError }: ResolvedVariant, entry: ReportEntry): string | null {
  const { verdict } = entry;
  const said = verdict.blocked
    ? `CORS Doctor said ${verdict.rule ?? 'blocked (no rule)'}${verdict.failedParameter ? ` ("${verdict.failedParameter}")` : ''}`
    : `CORS Doctor said ${verdict.kind}${verdict.networkError ? ` (${verdict.networkError})` : ''}`;
  if (networkError !== null) {
    return verdict.kind === 'network-error' && verdict.networkError === networkError
      ? null
      : `expected the network error ${networkError}, not a CORS verdict, but ${said}`;
  }
  if (!expected) return verdict.blocked || verdict.kind === 'network-error' ? `expected no block, but ${said}` : null;
  const expectedText = `${expected.rule}${expected.failedParameter ? ` ("${expected.failedParameter}")` : ''}`;
  if (!verdict.blocked || verdict.rule !== expected.rule) return `expected ${expectedText}, but ${said}`;
  if (expected.failedParameter !== undefined && verdict.failedParameter !== expected.failedParameter) {
    return `expected failedParameter "${expected.failedParameter}", but ${said}`;
  }
  return null;
}
