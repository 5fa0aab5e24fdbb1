/**
 * The rule catalogue: the single source of truth for every Chromium `Network.CorsError` name the
 * engine knows (current and historical): title, explanation template, fix guidance, spec link,
 * Chromium console text, Firefox's reason, and whether an extension can observe it at all.
 * docs/rules.md is generated from this file (scripts/gen-rules-doc.ts).
 */
import type { CorsErrorName, Observation, ResourceType, Stage } from './types';

/** The observed values a rule's texts quote. Built by the judge for the failing check. */
export interface RuleFacts {
  /** The page's origin (webRequest initiator). */
  pageOrigin: string;
  /** The origin Chromium compared with: the page origin, or `null` after a tainting redirect. */
  comparedOrigin: string;
  /** The URL whose response failed the check (for a preflight: the OPTIONS URL). */
  url: string;
  /** The first URL of the request. */
  firstUrl: string;
  type: ResourceType;
  status: number | null;
  allowOrigin: string | null;
  allowOriginLines: number;
  allowCredentials: string | null;
  allowMethods: string | null;
  allowHeaders: string | null;
  /** The actual request's method. */
  method: string;
  failedParameter: string;
  /** Redirect target, for redirect-stage and preflight-redirect failures. */
  location: string | null;
  tainted: boolean;
  /** True when credentials mode include was inferred rather than seen. */
  credentialsInferred: boolean;
  /** Lower-cased CORS-unsafe request header names (what ACAH must list). */
  unsafeHeaderNames: string[];
  /** LNA/PNA: the address space, when known. */
  addressSpace: string | null;
}

export type Observability = 'observable' | 'inferred' | 'unobservable';

export interface RuleFixText {
  summary: string;
  details: string;
  traps: string[];
}

export interface RuleEntry {
  name: CorsErrorName;
  /** A generic title; `titleFor` refines it with the observed values. */
  title: string;
  /** One sentence: when Chromium raises it. */
  trigger: string;
  stage: Stage | null;
  observability: Observability;
  /** Why an extension can or cannot see it on a request. */
  observabilityNote: string;
  /** No longer raised by current Chromium (still accepted when reading older logs). */
  historical: boolean;
  /** Chromium prefixes the console detail with "Response to preflight request doesn't pass access control check: ". */
  preflightPrefix: boolean;
  specUrl: string;
  /** Chromium's console detail (cors_error_string.cc), with the failedParameter as hint. */
  chromeDetail: (hint: string, facts: RuleFacts) => string;
  firefox: ((facts: RuleFacts) => { key: string; reason: string }) | null;
  titleFor: (facts: RuleFacts) => string;
  explain: (facts: RuleFacts) => string;
  observed: (facts: RuleFacts) => Observation[];
  fix: (facts: RuleFacts) => RuleFixText;
  /** Whether server-side CORS configuration snippets are the fix. */
  serverSnippets: boolean;
}

const SPEC = 'https://fetch.spec.whatwg.org/';
const CORS_CHECK = `${SPEC}#concept-cors-check`;
const PREFLIGHT = `${SPEC}#cors-preflight-fetch-0`;
const LNA = 'https://wicg.github.io/local-network-access/';
const PNA = 'https://wicg.github.io/private-network-access/';

/** What every Local Network Access block has in common, said once for the three rules. */
const LNA_NO_HEADER =
  'No server header will help: the check runs when Chromium connects, before the request reaches the server (`Access-Control-Allow-Private-Network` belongs to the retired Private Network Access and does nothing now).';
const LNA_PROMPT =
  'On a secure (https) page Chromium shows a permission prompt once per site, asking whether it may reach devices on the local network (the `local-network` permission, for LAN addresses) or apps and services on this device (`loopback-network`, for loopback addresses). Until the user allows it, or after they block it, the request fails; the choice is in the site settings (the lock icon). An administrator can allow sites with the `LocalNetworkAccessAllowedForUrls` policy.';
const LNA_IFRAMES =
  'An iframe gets the permission only when its parent delegates it: `<iframe src="…" allow="local-network; loopback-network">` (the older name is `local-network-access`), and the parent\'s own Permissions-Policy must not block it.';
const LNA_TARGET =
  "A page can declare where it expects the host to be with `fetch(url, { targetAddressSpace: 'local' })` (or `'loopback'`); that also lets an https page reach a plain-http device after the permission. The declaration must match where the host really resolves, or Chromium fails the request (`InvalidLocalNetworkAccess`).";

export const TRAPS = {
  errors:
    'Send the CORS headers on every response, including 401/403/404/500 and redirects: nginx needs `always` on `add_header`, Apache needs `Header always set`, and the CORS middleware must run before authentication and error handlers.',
  vary: "When you echo the request's `Origin` back, also send `Vary: Origin`, or a shared cache may serve one origin's answer to another.",
  wildcardCredentials:
    'Never answer `Access-Control-Allow-Origin: *` to a credentialed request: echo the exact origin and add `Access-Control-Allow-Credentials: true`.',
  authorization:
    'List `Authorization` explicitly in `Access-Control-Allow-Headers`: Chromium and Firefox let `*` cover it, but the Fetch standard says `*` never does.',
  preflightAuth: 'Preflights never carry cookies or `Authorization`: let `OPTIONS` through authentication and answer it with 204 and the CORS headers.',
  trailingSlash: 'An origin has no path: write `https://app.example.com`, never `https://app.example.com/`.',
  singleValue:
    "`Access-Control-Allow-Origin` takes exactly one origin. To allow several, compare the request's `Origin` with your allow-list and echo the one that matches.",
  oneLayer: 'Let exactly one layer add CORS headers: a proxy (nginx, API gateway, CDN) and the application both adding them produces two values.',
  cache:
    'Chromium caches a successful preflight for up to 2 hours (`Access-Control-Max-Age`); after changing the server, retest with DevTools "Disable cache" on.',
  noRedirect: 'A preflight must be answered directly with 2xx: call the final URL (https, trailing slash, host) so that no redirect happens.',
} as const;

const FIREFOX_ACAO = '‘Access-Control-Allow-Origin’';

function originDifference(allowOrigin: string, origin: string): { title: string; why: string } {
  if (origin === 'null') {
    return {
      title: 'Origin mismatch (redirect-tainted origin)',
      why: 'A redirect went through another origin, so the browser sent `Origin: null` for this hop and needs `Access-Control-Allow-Origin: null` (or `*` without credentials).',
    };
  }
  if (allowOrigin === 'null') {
    return {
      title: 'Origin mismatch (`null`)',
      why: '`null` only matches opaque origins (sandboxed iframes, `file:` pages, redirect-tainted requests), not this page.',
    };
  }
  if (allowOrigin.startsWith(origin) && allowOrigin.charAt(origin.length) === '/') {
    return { title: 'Origin mismatch (trailing slash)', why: `the page's origin is \`${origin}\` (no trailing slash). An origin has no path.` };
  }
  if (allowOrigin.toLowerCase() === origin.toLowerCase()) {
    return { title: 'Origin mismatch (letter case)', why: `the page's origin is \`${origin}\`; the comparison is byte-exact, so letter case matters.` };
  }
  try {
    const parsed = new URL(allowOrigin);
    if (parsed.origin === origin) {
      return {
        title: 'Origin mismatch (explicit default port)',
        why: `the page's origin is \`${origin}\`: browsers omit the default port, and the comparison is byte-exact.`,
      };
    }
    const page = new URL(origin);
    if (parsed.host === page.host && parsed.protocol !== page.protocol) {
      return { title: 'Origin mismatch (http vs https)', why: `the page's origin is \`${origin}\`: the scheme differs.` };
    }
    if (parsed.hostname === page.hostname && parsed.port !== page.port) {
      return { title: 'Origin mismatch (port)', why: `the page's origin is \`${origin}\`: the port differs.` };
    }
    if (parsed.hostname.replace(/^www\./, '') === page.hostname.replace(/^www\./, '')) {
      return { title: 'Origin mismatch (www)', why: `the page's origin is \`${origin}\`: \`www.\` makes it a different origin.` };
    }
  } catch {
    // Not a URL: the generic wording below applies.
  }
  return { title: 'Origin mismatch', why: `the page's origin is \`${origin}\`, a different origin.` };
}

function originObservations(f: RuleFacts, expected: string): Observation[] {
  return [{ field: 'Access-Control-Allow-Origin', expected, actual: f.allowOrigin }];
}

function where(f: RuleFacts, preflight: boolean): string {
  if (preflight) return `The preflight (\`OPTIONS ${f.url}\`${f.status !== null ? `, status ${f.status}` : ''})`;
  if (f.location !== null) return `The redirect response (${f.status ?? '3xx'}) from \`${f.url}\``;
  return `The response from \`${f.url}\`${f.status !== null ? ` (status ${f.status})` : ''}`;
}

function originFix(f: RuleFacts, preflight: boolean, headline: string): RuleFixText {
  const traps: string[] = [TRAPS.errors, TRAPS.vary, TRAPS.singleValue];
  if (f.credentialsInferred || f.allowCredentials !== null) traps.push(TRAPS.wildcardCredentials);
  if (preflight) traps.push(TRAPS.preflightAuth);
  if (f.location !== null)
    traps.push('Redirect responses are CORS-checked too: the 3xx itself must carry the CORS headers, or avoid the redirect by calling the final URL.');
  return {
    summary: headline,
    details: `Answer ${preflight ? 'the preflight (OPTIONS) and the actual request' : 'the request'} with \`Access-Control-Allow-Origin: ${f.pageOrigin}\` (exactly, byte for byte)${f.credentialsInferred ? ' and `Access-Control-Allow-Credentials: true`' : ''}, and \`Vary: Origin\` when the value is chosen per request.`,
    traps,
  };
}

type OriginRuleName =
  | 'WildcardOriginNotAllowed'
  | 'MissingAllowOriginHeader'
  | 'MultipleAllowOriginValues'
  | 'InvalidAllowOriginValue'
  | 'AllowOriginMismatch'
  | 'InvalidAllowCredentials';

function originRule(base: OriginRuleName, preflight: boolean): RuleEntry {
  const name = (preflight ? `Preflight${base}` : base) as CorsErrorName;
  const stage: Stage = preflight ? 'preflight' : 'response';
  const common = {
    name,
    stage,
    observability: 'observable' as const,
    observabilityNote: preflight
      ? 'Observable: the OPTIONS request and its response headers are visible to webRequest with `extraHeaders`.'
      : 'Observable: onHeadersReceived shows the response (or redirect) headers before onErrorOccurred `net::ERR_FAILED`.',
    historical: false,
    preflightPrefix: preflight,
    specUrl: CORS_CHECK,
    serverSnippets: true,
  };
  const pre = preflight ? 'Preflight: ' : '';
  switch (base) {
    case 'WildcardOriginNotAllowed':
      return {
        ...common,
        title: `${pre}Wildcard origin with credentials`,
        trigger: `${preflight ? 'The preflight response' : 'The response'} has \`Access-Control-Allow-Origin: *\` and the request's credentials mode is include (http/https URLs only).`,
        chromeDetail: () =>
          "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
        firefox: () => ({ key: 'CORSNotSupportingCredentials', reason: `Credential is not supported if the CORS header ${FIREFOX_ACAO} is ‘*’` }),
        titleFor: () => `${pre}Wildcard origin with credentials`,
        explain: (f) =>
          `${where(f, preflight)} answered \`Access-Control-Allow-Origin: *\`, but the request was sent with credentials (${f.credentialsInferred ? 'inferred: the same request would have passed without credentials' : "cookies or `credentials: 'include'`"}). With credentials the browser requires the exact origin: expected \`Access-Control-Allow-Origin: ${f.pageOrigin}\` plus \`Access-Control-Allow-Credentials: true\`; actual \`*\`${f.allowCredentials !== null ? ` with \`Access-Control-Allow-Credentials: ${f.allowCredentials}\` (which cannot rescue \`*\`)` : ''}.`,
        observed: (f) => [...originObservations(f, f.comparedOrigin), { field: 'credentials mode', expected: 'omit (for `*`)', actual: 'include' }],
        fix: (f) => ({
          ...originFix(
            f,
            preflight,
            `Echo the origin \`${f.pageOrigin}\` instead of \`*\` and send \`Access-Control-Allow-Credentials: true\` (or stop sending credentials).`,
          ),
          details: `Either the request really needs cookies/credentials: then answer \`Access-Control-Allow-Origin: ${f.pageOrigin}\`, \`Access-Control-Allow-Credentials: true\` and \`Vary: Origin\`. Or it does not: then drop \`credentials: 'include'\` / \`withCredentials = true\` on the client and keep \`*\`.`,
        }),
      };
    case 'MissingAllowOriginHeader':
      return {
        ...common,
        title: `${pre}No Access-Control-Allow-Origin header`,
        trigger: `${preflight ? 'The preflight response' : 'The response (or a redirect response)'} has no \`Access-Control-Allow-Origin\` header.${preflight ? ' Reported even for a 404/405/500 OPTIONS: the CORS check runs before the status check.' : ''}`,
        chromeDetail: () => "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        firefox: (f) => ({ key: 'CORSMissingAllowOrigin', reason: `CORS header ${FIREFOX_ACAO} missing). Status code: ${f.status ?? '(null)'}.` }),
        titleFor: (f) =>
          f.status !== null && f.status >= 400
            ? `${pre}No Access-Control-Allow-Origin on a ${f.status} response`
            : f.location !== null
              ? 'No Access-Control-Allow-Origin on a redirect'
              : `${pre}No Access-Control-Allow-Origin header`,
        explain: (f) => {
          const statusNote =
            f.status !== null && f.status >= 400
              ? ` The status is ${f.status}: the server's error path (or an auth layer, gateway or WAF in front of it) answers without CORS headers, which hides the real error from the page.`
              : f.location !== null
                ? ` A redirect is CORS-checked like any response, so the ${f.status ?? '3xx'} to \`${f.location}\` needs the headers too.`
                : preflight && f.status !== null && (f.status < 200 || f.status > 299)
                  ? ` (Its status ${f.status} would also fail, but Chromium checks the origin first.)`
                  : '';
          const expected = f.comparedOrigin === 'null' ? '`null` (the request was redirect-tainted)' : `\`${f.comparedOrigin}\``;
          return `${where(f, preflight)} has no \`Access-Control-Allow-Origin\` header; expected ${expected}.${statusNote}`;
        },
        observed: (f) => [
          ...originObservations(f, f.comparedOrigin),
          ...(f.status !== null ? [{ field: 'status', expected: preflight ? '2xx' : 'any', actual: String(f.status) }] : []),
        ],
        fix: (f) =>
          originFix(
            f,
            preflight,
            `Send \`Access-Control-Allow-Origin: ${f.pageOrigin}\` on ${preflight ? 'the OPTIONS response' : 'every response of this endpoint'}, including error responses.`,
          ),
      };
    case 'MultipleAllowOriginValues':
      return {
        ...common,
        title: `${pre}Multiple Access-Control-Allow-Origin values`,
        trigger: 'The `Access-Control-Allow-Origin` value (all header lines joined with `, `) differs from the origin and contains a space or a comma.',
        chromeDetail: (hint) => `The 'Access-Control-Allow-Origin' header contains multiple values '${hint}', but only one is allowed.`,
        firefox: (f) =>
          f.allowOriginLines > 1
            ? { key: 'CORSMultipleAllowOriginNotAllowed', reason: `Multiple CORS header ${FIREFOX_ACAO} not allowed` }
            : { key: 'CORSAllowOriginNotMatchingOrigin', reason: `CORS header ${FIREFOX_ACAO} does not match ‘${f.allowOrigin ?? ''}’` },
        titleFor: (f) => (f.allowOriginLines > 1 ? `${pre}Access-Control-Allow-Origin sent twice` : `${pre}Multiple origins in Access-Control-Allow-Origin`),
        explain: (f) =>
          f.allowOriginLines > 1
            ? `${where(f, preflight)} carries ${f.allowOriginLines} \`Access-Control-Allow-Origin\` header lines, which the browser combines into \`${f.allowOrigin ?? ''}\`; expected exactly one value, \`${f.comparedOrigin}\`. Usually two layers (a proxy and the application) both add the header.`
            : `${where(f, preflight)} answered \`Access-Control-Allow-Origin: ${f.allowOrigin ?? ''}\`, a list; expected a single origin, \`${f.comparedOrigin}\`. The header cannot hold a list.`,
        observed: (f) => [
          ...originObservations(f, f.comparedOrigin),
          { field: 'Access-Control-Allow-Origin lines', expected: '1', actual: String(f.allowOriginLines) },
        ],
        fix: (f) => ({
          ...originFix(
            f,
            preflight,
            f.allowOriginLines > 1
              ? 'Remove one of the two places that add `Access-Control-Allow-Origin`.'
              : `Send one origin: echo \`${f.pageOrigin}\` when it is on your allow-list.`,
          ),
          traps: [TRAPS.oneLayer, TRAPS.singleValue, TRAPS.vary, TRAPS.errors],
        }),
      };
    case 'InvalidAllowOriginValue':
      return {
        ...common,
        title: `${pre}Invalid Access-Control-Allow-Origin value`,
        trigger:
          'The value differs from the origin, has no space or comma, is not `null`, and is not a valid absolute URL (e.g. `example.com` without a scheme).',
        chromeDetail: (hint) => `The 'Access-Control-Allow-Origin' header contains the invalid value '${hint}'.`,
        firefox: (f) => ({ key: 'CORSAllowOriginNotMatchingOrigin', reason: `CORS header ${FIREFOX_ACAO} does not match ‘${f.allowOrigin ?? ''}’` }),
        titleFor: () => `${pre}Invalid Access-Control-Allow-Origin value`,
        explain: (f) =>
          `${where(f, preflight)} answered \`Access-Control-Allow-Origin: ${f.allowOrigin ?? ''}\`, which is not an origin (an origin is \`scheme://host[:port]\`); expected \`${f.comparedOrigin}\`.`,
        observed: (f) => originObservations(f, f.comparedOrigin),
        fix: (f) => originFix(f, preflight, `Send the full origin, scheme included: \`Access-Control-Allow-Origin: ${f.pageOrigin}\`.`),
      };
    case 'AllowOriginMismatch':
      return {
        ...common,
        title: `${pre}Origin mismatch`,
        trigger:
          'The value is a valid URL or `null` but not byte-equal to the serialized origin (another host, scheme, port, a trailing slash, letter case, or `null`).',
        chromeDetail: (hint) => `The 'Access-Control-Allow-Origin' header has a value '${hint}' that is not equal to the supplied origin.`,
        firefox: (f) => ({ key: 'CORSAllowOriginNotMatchingOrigin', reason: `CORS header ${FIREFOX_ACAO} does not match ‘${f.allowOrigin ?? ''}’` }),
        titleFor: (f) => pre + originDifference(f.allowOrigin ?? '', f.comparedOrigin).title,
        explain: (f) =>
          `${where(f, preflight)} answered \`Access-Control-Allow-Origin: ${f.allowOrigin ?? ''}\`; ${originDifference(f.allowOrigin ?? '', f.comparedOrigin).why}`,
        observed: (f) => originObservations(f, f.comparedOrigin),
        fix: (f) => {
          const text = originFix(
            f,
            preflight,
            f.tainted
              ? "Avoid the cross-origin redirect (call the final URL directly), so the browser keeps sending the page's origin."
              : `Answer \`Access-Control-Allow-Origin: ${f.pageOrigin}\` for this page.`,
          );
          return { ...text, traps: [TRAPS.trailingSlash, ...text.traps] };
        },
      };
    case 'InvalidAllowCredentials':
      return {
        ...common,
        title: `${pre}Access-Control-Allow-Credentials is not \`true\``,
        trigger:
          'Credentials mode is include, the origin check passed, and `Access-Control-Allow-Credentials` is not exactly `true` (missing, `True`, `1`, …).',
        chromeDetail: (hint) =>
          `The value of the 'Access-Control-Allow-Credentials' header in the response is '${hint}' which must be 'true' when the request's credentials mode is 'include'.`,
        firefox: () => ({ key: 'CORSMissingAllowCredentials', reason: 'expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’' }),
        titleFor: (f) =>
          f.allowCredentials === null ? `${pre}Access-Control-Allow-Credentials missing` : `${pre}Access-Control-Allow-Credentials is not \`true\``,
        explain: (f) =>
          `${where(f, preflight)} allows the origin, but the request carries credentials${f.credentialsInferred ? ' (inferred: without credentials it would have passed)' : ''}, so the browser also requires \`Access-Control-Allow-Credentials: true\` (exactly, lower case); actual ${f.allowCredentials === null ? 'no such header' : `\`${f.allowCredentials}\``}.`,
        observed: (f) => [{ field: 'Access-Control-Allow-Credentials', expected: 'true', actual: f.allowCredentials }],
        fix: (f) => ({
          ...originFix(f, preflight, 'Send `Access-Control-Allow-Credentials: true` (exactly, lower case) together with the echoed origin.'),
          traps: [TRAPS.wildcardCredentials, TRAPS.vary, TRAPS.errors],
        }),
      };
  }
}

function unobservable(
  name: CorsErrorName,
  title: string,
  trigger: string,
  note: string,
  options: {
    historical?: boolean;
    specUrl?: string;
    chrome: string;
    firefox?: { key: string; reason: string };
    stage?: Stage | null;
    fix: string;
    observability?: Observability;
    prefix?: boolean;
  },
): RuleEntry {
  return {
    name,
    title,
    trigger,
    stage: options.stage ?? 'request',
    observability: options.observability ?? 'unobservable',
    observabilityNote: note,
    historical: options.historical ?? false,
    preflightPrefix: options.prefix ?? false,
    specUrl: options.specUrl ?? `${SPEC}#main-fetch`,
    chromeDetail: () => options.chrome,
    firefox: options.firefox ? () => options.firefox as { key: string; reason: string } : null,
    titleFor: () => title,
    explain: (f) => `${trigger} (Request to \`${f.url}\` from \`${f.pageOrigin}\`.)`,
    observed: () => [],
    fix: () => ({ summary: options.fix, details: options.fix, traps: [] }),
    serverSnippets: false,
  };
}

function lnaSpace(f: RuleFacts): string {
  return f.addressSpace ?? 'local';
}

const ALL_RULES: RuleEntry[] = [
  originRule('WildcardOriginNotAllowed', false),
  originRule('MissingAllowOriginHeader', false),
  originRule('MultipleAllowOriginValues', false),
  originRule('InvalidAllowOriginValue', false),
  originRule('AllowOriginMismatch', false),
  originRule('InvalidAllowCredentials', false),
  originRule('WildcardOriginNotAllowed', true),
  originRule('MissingAllowOriginHeader', true),
  originRule('MultipleAllowOriginValues', true),
  originRule('InvalidAllowOriginValue', true),
  originRule('AllowOriginMismatch', true),
  originRule('InvalidAllowCredentials', true),
  {
    name: 'PreflightInvalidStatus',
    title: 'Preflight did not return 2xx',
    trigger: 'The preflight passed the origin/credentials check but its status is not 200–299.',
    stage: 'preflight',
    observability: 'observable',
    observabilityNote: 'Observable: the OPTIONS response status is visible.',
    historical: false,
    preflightPrefix: true,
    specUrl: `${SPEC}#ok-status`,
    chromeDetail: () => 'It does not have HTTP ok status.',
    firefox: (f) => ({ key: 'CORSPreflightDidNotSucceed', reason: `CORS preflight response did not succeed). Status code: ${f.status ?? '(null)'}.` }),
    titleFor: (f) => `Preflight answered ${f.status ?? 'without a status'}`,
    explain: (f) => {
      const hint =
        f.status === 401 || f.status === 403
          ? ' Authentication middleware is answering the preflight: preflights never carry cookies or `Authorization`.'
          : f.status === 404 || f.status === 405
            ? ' The server (or router) has no handler for `OPTIONS` on this path.'
            : f.status !== null && f.status >= 500
              ? ' The server crashed or rejected the `OPTIONS` request.'
              : '';
      return `The preflight (\`OPTIONS ${f.url}\`) had acceptable CORS headers but answered status ${f.status ?? '(none)'}; expected a 2xx status (200 or 204).${hint}`;
    },
    observed: (f) => [{ field: 'status', expected: '200–299', actual: f.status === null ? null : String(f.status) }],
    fix: () => ({
      summary: 'Answer `OPTIONS` for this path with 204 (or 200) before authentication, routing errors or redirects.',
      details: 'Handle the preflight early: a CORS middleware that answers OPTIONS itself, or an explicit OPTIONS route returning 204 with the CORS headers.',
      traps: [TRAPS.preflightAuth, TRAPS.errors, TRAPS.cache],
    }),
    serverSnippets: true,
  },
  {
    name: 'PreflightDisallowedRedirect',
    title: 'Preflight was redirected',
    trigger: 'The preflight response is a redirect (any 3xx with a Location).',
    stage: 'preflight',
    observability: 'observable',
    observabilityNote: 'Observable: the OPTIONS request shows a redirect (onBeforeRedirect / a 3xx with Location).',
    historical: false,
    preflightPrefix: true,
    specUrl: `${PREFLIGHT}`,
    chromeDetail: () => 'Redirect is not allowed for a preflight request.',
    firefox: () => ({ key: 'CORSExternalRedirectNotAllowed', reason: 'CORS request external redirect not allowed' }),
    titleFor: () => 'Preflight was redirected',
    explain: (f) =>
      `The preflight (\`OPTIONS ${f.url}\`) was answered with a redirect${f.status !== null ? ` (${f.status})` : ''}${f.location ? ` to \`${f.location}\`` : ''}; a preflight must be answered directly with a 2xx status. Typical causes: http→https, a missing or extra trailing slash, another host, or a login redirect.`,
    observed: (f) => [
      { field: 'status', expected: '200–299', actual: f.status === null ? null : String(f.status) },
      { field: 'Location', expected: '(none)', actual: f.location },
    ],
    fix: (f) => ({
      summary: f.location ? `Call \`${f.location}\` directly from the page, or stop redirecting OPTIONS.` : 'Stop redirecting OPTIONS requests for this path.',
      details:
        'Point the client at the final URL (scheme, host and trailing slash exactly as the server wants them), or exempt OPTIONS from the redirect rule.',
      traps: [TRAPS.noRedirect, TRAPS.preflightAuth],
    }),
    serverSnippets: true,
  },
  {
    name: 'InvalidAllowMethodsPreflightResponse',
    title: 'Unparsable Access-Control-Allow-Methods',
    trigger: 'An element of `Access-Control-Allow-Methods` (comma-separated, empty elements ignored) is not an HTTP token.',
    stage: 'preflight',
    observability: 'observable',
    observabilityNote: 'Observable: the OPTIONS response headers are visible.',
    historical: false,
    preflightPrefix: false,
    specUrl: `${SPEC}#extract-header-list-values`,
    chromeDetail: () => 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.',
    firefox: (f) => ({
      key: 'CORSInvalidAllowMethod',
      reason: `invalid token ‘${firstInvalidToken(f.allowMethods)}’ in CORS header ‘Access-Control-Allow-Methods’`,
    }),
    titleFor: () => 'Unparsable Access-Control-Allow-Methods',
    explain: (f) =>
      `The preflight answered \`Access-Control-Allow-Methods: ${f.allowMethods ?? ''}\`; the element \`${firstInvalidToken(f.allowMethods)}\` is not a method token. Expected a comma-separated list such as \`GET, POST, ${f.method}\`.`,
    observed: (f) => [{ field: 'Access-Control-Allow-Methods', expected: `comma-separated tokens, e.g. GET, POST, ${f.method}`, actual: f.allowMethods }],
    fix: (f) => ({
      summary: `Send \`Access-Control-Allow-Methods\` as a comma-separated list of method names, e.g. \`GET, POST, ${f.method}\`.`,
      details: 'Separate methods with commas only (no semicolons, quotes or spaces inside a name).',
      traps: [TRAPS.cache],
    }),
    serverSnippets: true,
  },
  {
    name: 'InvalidAllowHeadersPreflightResponse',
    title: 'Unparsable Access-Control-Allow-Headers',
    trigger: 'An element of `Access-Control-Allow-Headers` is not an HTTP token.',
    stage: 'preflight',
    observability: 'observable',
    observabilityNote: 'Observable: the OPTIONS response headers are visible.',
    historical: false,
    preflightPrefix: false,
    specUrl: `${SPEC}#extract-header-list-values`,
    chromeDetail: () => 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.',
    firefox: (f) => ({
      key: 'CORSInvalidAllowHeader',
      reason: `invalid token ‘${firstInvalidToken(f.allowHeaders)}’ in CORS header ‘Access-Control-Allow-Headers’`,
    }),
    titleFor: () => 'Unparsable Access-Control-Allow-Headers',
    explain: (f) =>
      `The preflight answered \`Access-Control-Allow-Headers: ${f.allowHeaders ?? ''}\`; the element \`${firstInvalidToken(f.allowHeaders)}\` is not a header-name token. Expected a comma-separated list of header names${f.unsafeHeaderNames.length > 0 ? `, e.g. \`${f.unsafeHeaderNames.join(', ')}\`` : ''}.`,
    observed: (f) => [{ field: 'Access-Control-Allow-Headers', expected: 'comma-separated header names', actual: f.allowHeaders }],
    fix: () => ({
      summary: 'Send `Access-Control-Allow-Headers` as a comma-separated list of header names.',
      details: 'Separate header names with commas only; no semicolons, quotes or spaces inside a name.',
      traps: [TRAPS.authorization, TRAPS.cache],
    }),
    serverSnippets: true,
  },
  {
    name: 'MethodDisallowedByPreflightResponse',
    title: 'Method not allowed by the preflight',
    trigger:
      'The method is not GET/HEAD/POST, not listed in `Access-Control-Allow-Methods` (case-sensitive), and not covered by `*` (which only counts without credentials).',
    stage: 'preflight',
    observability: 'observable',
    observabilityNote: 'Observable: the preflight carries `Access-Control-Request-Method` and the response its `Access-Control-Allow-Methods`.',
    historical: false,
    preflightPrefix: false,
    specUrl: PREFLIGHT,
    chromeDetail: (hint) => `Method ${hint} is not allowed by Access-Control-Allow-Methods in preflight response.`,
    firefox: () => ({ key: 'CORSMethodNotFound', reason: 'Did not find method in CORS header ‘Access-Control-Allow-Methods’' }),
    titleFor: (f) => `Method ${f.failedParameter} not allowed`,
    explain: (f) => {
      const listed = f.allowMethods;
      const caseHint =
        listed !== null && listed.split(',').some((m) => m.trim().toUpperCase() === f.failedParameter.toUpperCase())
          ? ` It is listed in another letter case: method names are compared case-sensitively${f.failedParameter !== f.failedParameter.toUpperCase() ? `, and fetch() does not upper-case \`${f.failedParameter}\` (only DELETE, GET, HEAD, OPTIONS, POST and PUT are normalised)` : ''}.`
          : listed !== null && listed.includes('*') && !f.credentialsInferred
            ? ' `*` was listed, but with credentials `*` is taken literally.'
            : '';
      return `The request uses method \`${f.failedParameter}\`; the preflight answered \`Access-Control-Allow-Methods: ${listed ?? '(absent)'}\`, which does not include it.${caseHint}`;
    },
    observed: (f) => [{ field: 'Access-Control-Allow-Methods', expected: `includes ${f.failedParameter}`, actual: f.allowMethods }],
    fix: (f) => {
      const upper = f.failedParameter.toUpperCase();
      // A lower-case method is nearly always a client typo (`patch`): the server already lists the
      // real method, and teaching it to accept `patch` would only hide the typo.
      if (f.failedParameter !== upper) {
        return {
          summary: `Send \`${upper}\` (upper case) from the client, and list \`${upper}\` in \`Access-Control-Allow-Methods\`.`,
          details: `Method names are case-sensitive and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so \`method: '${f.failedParameter}'\` goes out as \`${f.failedParameter}\`. Only if the client cannot change, add \`${f.failedParameter}\` itself to \`Access-Control-Allow-Methods\`.`,
          traps: [TRAPS.cache, TRAPS.errors],
        };
      }
      return {
        summary: `Add \`${f.failedParameter}\` to \`Access-Control-Allow-Methods\` on the preflight response.`,
        details: `List \`${f.failedParameter}\` (exact case) in \`Access-Control-Allow-Methods\`; with credentials, \`*\` does not count.`,
        traps: [TRAPS.cache, TRAPS.errors],
      };
    },
    serverSnippets: true,
  },
  {
    name: 'HeaderDisallowedByPreflightResponse',
    title: 'Request header not allowed by the preflight',
    trigger:
      'A CORS-unsafe, non-forbidden request header is missing from `Access-Control-Allow-Headers` (case-insensitive); `*` counts only without credentials.',
    stage: 'preflight',
    observability: 'observable',
    observabilityNote: 'Observable: the preflight carries `Access-Control-Request-Headers` and the response its `Access-Control-Allow-Headers`.',
    historical: false,
    preflightPrefix: false,
    specUrl: PREFLIGHT,
    chromeDetail: (hint) => `Request header field ${hint} is not allowed by Access-Control-Allow-Headers in preflight response.`,
    firefox: (f) => ({
      key: 'CORSMissingAllowHeaderFromPreflight',
      reason: `header ‘${f.failedParameter}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response`,
    }),
    titleFor: (f) => `Header \`${f.failedParameter}\` not allowed`,
    explain: (f) => {
      const wildcard = f.allowHeaders !== null && /(^|,)\s*\*\s*(,|$)/.test(f.allowHeaders);
      const why =
        wildcard && f.failedParameter === 'authorization'
          ? ' `*` never covers `Authorization`; it must be listed by name.'
          : wildcard
            ? ' `*` was listed, but the request carries credentials, and with credentials `*` is taken literally.'
            : '';
      return `The request sends the header \`${f.failedParameter}\`; the preflight answered \`Access-Control-Allow-Headers: ${f.allowHeaders ?? '(absent)'}\`, which does not include it.${why}${f.unsafeHeaderNames.length > 1 ? ` All headers the preflight asked for: \`${f.unsafeHeaderNames.join(',')}\`.` : ''}`;
    },
    observed: (f) => [{ field: 'Access-Control-Allow-Headers', expected: `includes ${f.failedParameter}`, actual: f.allowHeaders }],
    fix: (f) => ({
      summary: `Add \`${f.failedParameter}\` to \`Access-Control-Allow-Headers\` on the preflight response${f.unsafeHeaderNames.length > 1 ? ` (all of: \`${f.unsafeHeaderNames.join(', ')}\`)` : ''}.`,
      details: 'List every header name the client sends that is not CORS-safelisted, or stop sending the header from the client.',
      traps: [TRAPS.authorization, TRAPS.cache, TRAPS.errors],
    }),
    serverSnippets: true,
  },
  {
    name: 'RedirectContainsCredentials',
    title: 'Redirect to a URL with credentials',
    trigger: 'A redirect `Location` contains a username or password, and the request is CORS (flag set, or cors mode with a tainted or cross-origin target).',
    stage: 'redirect',
    observability: 'observable',
    observabilityNote: 'Observable: the redirect hop and its Location are visible (onBeforeRedirect).',
    historical: false,
    preflightPrefix: false,
    specUrl: `${SPEC}#http-redirect-fetch`,
    chromeDetail: (hint) => `Redirect location '${hint}' contains a username and password, which is disallowed for cross-origin requests.`,
    firefox: () => ({ key: 'CORSDidNotSucceed', reason: 'CORS request did not succeed). Status code: (null).' }),
    titleFor: () => 'Redirect to a URL with credentials',
    explain: (f) => `\`${f.url}\` redirected to \`${f.location ?? ''}\`, which contains a username or password; a CORS request may not follow such a redirect.`,
    observed: (f) => [{ field: 'Location', expected: 'a URL without user:password@', actual: f.location }],
    fix: () => ({
      summary: 'Redirect to a URL without `user:password@`; pass credentials in a header instead.',
      details: 'Remove the userinfo from the Location header. If the target needs authentication, use a token the page sends explicitly.',
      traps: [],
    }),
    serverSnippets: false,
  },
  unobservable(
    'DisallowedByMode',
    'Cross-origin request in same-origin mode',
    "The request was made with `mode: 'same-origin'` but its URL is cross-origin.",
    'Mostly unobservable: fetch() rejects it in the renderer before any request exists. Observable only when a same-origin-mode request is redirected to another origin (the network service raises it on the redirect); the engine names it then.',
    {
      observability: 'inferred',
      stage: 'redirect',
      chrome: 'Cross origin requests are not allowed by request mode.',
      fix: "Use `mode: 'cors'` (the default) for cross-origin URLs, or keep the request and its redirects on the page's origin.",
    },
  ),
  unobservable(
    'CorsDisabledScheme',
    'Scheme does not support CORS',
    'The URL (or a redirect target) uses a scheme that CORS does not support (`file:`, `ftp:`, custom schemes).',
    'Mostly unobservable: fetch() rejects unsupported schemes in the renderer, and webRequest sees only http(s)/ws(s). The engine names it when a CORS request is redirected to a non-HTTP(S) scheme and fails with `net::ERR_FAILED`.',
    {
      observability: 'inferred',
      stage: 'redirect',
      specUrl: `${SPEC}#main-fetch`,
      chrome:
        'Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.',
      firefox: { key: 'CORSRequestNotHttp', reason: 'CORS request not http' },
      fix: 'Serve the resource over http(s) and redirect only to http(s) URLs; open the page from a web server, not from `file://`.',
    },
  ),
  unobservable(
    'NoCorsRedirectModeNotFollow',
    'no-cors request with redirect mode other than follow',
    "fetch() with `mode: 'no-cors'` and `redirect: 'error'` or `'manual'`.",
    'Unobservable: Blink rejects the fetch() call before any request is made, so webRequest never sees it.',
    {
      chrome: 'Fetch API cannot load {url}. Request mode is "no-cors" but the redirect mode is not "follow".',
      fix: "Use `redirect: 'follow'` with `mode: 'no-cors'`, or use `mode: 'cors'`.",
    },
  ),
  unobservable(
    'InvalidResponse',
    'Invalid response',
    'Pre-2021 Chromium: the response status was 0. Current Chromium: only a DevTools warning for a failed Private Network Access warn-mode preflight.',
    'Unobservable as a block in current Chromium: it is only a warning, and a network failure shows as its own net error.',
    {
      historical: true,
      chrome: 'The response is invalid.',
      specUrl: `${SPEC}#concept-network-error`,
      fix: 'Look at the network error of the request; it is not a CORS header problem.',
    },
  ),
  unobservable(
    'PreflightMissingAllowExternal',
    'Preflight lacked Access-Control-Allow-External',
    'CORS-RFC1918 experiment (2018–2021): the preflight of an "external" request lacked `Access-Control-Allow-External`.',
    'Historical: the experiment was removed; kept in CDP for old logs.',
    {
      historical: true,
      prefix: true,
      stage: 'preflight',
      specUrl: PNA,
      chrome:
        "No 'Access-Control-Allow-External' header was present in the preflight response for this external request (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').",
      fix: 'Not applicable to current browsers.',
    },
  ),
  unobservable(
    'PreflightInvalidAllowExternal',
    'Preflight Access-Control-Allow-External not true',
    'CORS-RFC1918 experiment: `Access-Control-Allow-External` was present but not `true`.',
    'Historical: the experiment was removed; kept in CDP for old logs.',
    {
      historical: true,
      prefix: true,
      stage: 'preflight',
      specUrl: PNA,
      chrome:
        "The 'Access-Control-Allow-External' header in the preflight response for this external request had a value of '{hint}',  not 'true' (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').",
      fix: 'Not applicable to current browsers.',
    },
  ),
  {
    ...unobservable(
      'PreflightMissingAllowPrivateNetwork',
      'Private Network Access preflight not allowed',
      'Private Network Access (Chrome 2021–2025): the preflight carried `Access-Control-Request-Private-Network: true` and the response lacked `Access-Control-Allow-Private-Network`.',
      'Historical (removed from CDP in 2026). Observable in older Chromium builds: the engine names it when the preflight request carries `Access-Control-Request-Private-Network: true` and the answer lacks the header.',
      {
        historical: true,
        observability: 'inferred',
        prefix: true,
        stage: 'preflight',
        specUrl: PNA,
        chrome:
          "No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `{space}` address space.",
        fix: 'Answer the preflight with `Access-Control-Allow-Private-Network: true` (older Chrome), or move to Local Network Access.',
      },
    ),
    serverSnippets: true,
    chromeDetail: (_hint, f) =>
      `No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the \`${lnaSpace(f)}\` address space.`,
    explain: (f) =>
      `The page \`${f.pageOrigin}\` reached a more private address (\`${f.url}\`); Chromium's Private Network Access preflight asked for \`Access-Control-Allow-Private-Network: true\`, and the answer had none.`,
  },
  {
    ...unobservable(
      'PreflightInvalidAllowPrivateNetwork',
      'Private Network Access preflight value not true',
      'Private Network Access: `Access-Control-Allow-Private-Network` was present but not `true`.',
      'Historical (removed from CDP in 2026); inferred from the preflight headers in older builds.',
      {
        historical: true,
        observability: 'inferred',
        prefix: true,
        stage: 'preflight',
        specUrl: PNA,
        chrome:
          "The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `{space}` address space had a value of '{hint}',  not 'true'.",
        fix: 'Send `Access-Control-Allow-Private-Network: true` exactly.',
      },
    ),
    chromeDetail: (hint, f) =>
      `The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the \`${lnaSpace(f)}\` address space had a value of '${hint}',  not 'true'.`,
  },
  unobservable(
    'InsecurePrivateNetwork',
    'Insecure page to a private network (old name)',
    'A non-secure page requested a more private address space (renamed `InsecureLocalNetwork` in 2026).',
    'Historical name of InsecureLocalNetwork (CDP renamed it in 2026); the engine reports the current name.',
    {
      historical: true,
      specUrl: PNA,
      chrome: 'The request client is not a secure context and the resource is in more-private address space `{space}`.',
      fix: 'Serve the page over https.',
    },
  ),
  unobservable(
    'InvalidPrivateNetworkAccess',
    'Address space mismatch (old name)',
    'Renamed `InvalidLocalNetworkAccess` in 2026.',
    'Historical name of InvalidLocalNetworkAccess.',
    {
      historical: true,
      specUrl: PNA,
      chrome: 'Request had a target IP address space of `{a}` yet the resource is in address space `{b}`.',
      fix: 'Make `targetAddressSpace` match where the host resolves.',
    },
  ),
  unobservable(
    'UnexpectedPrivateNetworkAccess',
    'Unexpected private network access',
    'The request had no target address space but connected to a more private one; Chromium restarts it with a PNA preflight.',
    'Unobservable as a final verdict: the request is restarted with a preflight, so this is rarely the error that ends it.',
    {
      historical: true,
      specUrl: PNA,
      chrome: 'Request had no target IP address space, yet the resource is in address space `{space}`.',
      fix: 'See the verdict of the restarted request.',
    },
  ),
  unobservable(
    'PreflightMissingPrivateNetworkAccessId',
    'Preflight lacked Private-Network-Access-ID',
    'Permission-prompt experiment: the preflight lacked `Private-Network-Access-ID`.',
    'Historical: no Chromium version read raises it.',
    {
      historical: true,
      prefix: false,
      stage: 'preflight',
      specUrl: PNA,
      chrome:
        "No 'Private-Network-Access-Id' header was present in the preflight response for this private network request targeting the `{space}` address space.",
      fix: 'Not applicable to current browsers.',
    },
  ),
  unobservable(
    'PreflightMissingPrivateNetworkAccessName',
    'Preflight lacked Private-Network-Access-Name',
    'Permission-prompt experiment: the preflight lacked `Private-Network-Access-Name`.',
    'Historical: no Chromium version read raises it.',
    {
      historical: true,
      stage: 'preflight',
      specUrl: PNA,
      chrome:
        "No 'Private-Network-Access-Name' header was present in the preflight response for this private network request targeting the `{space}` address space.",
      fix: 'Not applicable to current browsers.',
    },
  ),
  unobservable(
    'PrivateNetworkAccessPermissionUnavailable',
    'Private network permission unavailable',
    'PNA permission was needed but could not be requested.',
    'Historical (removed from CDP in 2026).',
    {
      historical: true,
      specUrl: PNA,
      chrome: 'Unable to ask for permission to access the `{space}` IP address space.',
      fix: 'Not applicable to current browsers.',
    },
  ),
  unobservable(
    'PrivateNetworkAccessPermissionDenied',
    'Private network permission denied (old name)',
    'The user denied the PNA permission prompt.',
    'Historical; see LocalNetworkAccessPermissionDenied.',
    {
      historical: true,
      specUrl: PNA,
      chrome: 'Permission was denied for this request to access the `{space}` address space.',
      fix: 'Grant the permission, or serve the resource from a public address.',
    },
  ),
  {
    ...unobservable(
      'InsecureLocalNetwork',
      'Insecure page to a local network address',
      'A page that is not a secure context (plain http) requested a more private address (LAN or loopback).',
      'Inferred only: raised at connection time, before any response. webRequest shows a net error (`net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS`, or `…PRIVATE_NETWORK…` in older builds); the engine names it when the page is not a secure context.',
      {
        observability: 'inferred',
        specUrl: `${LNA}#local-network-access-check`,
        chrome: '',
        fix: 'Serve the page over https (a secure context); then the user can grant local-network access.',
      },
    ),
    chromeDetail: (_hint, f) => `The request client is not a secure context and the resource is in more-private address space \`${lnaSpace(f)}\`.`,
    explain: (f) =>
      `The page \`${f.pageOrigin}\` is not a secure context (plain http) and requested \`${f.url}\`, which is on a more private network (LAN or loopback). Chromium blocks this before sending anything, without asking the user: only secure pages can be granted local-network access. ${LNA_NO_HEADER}`,
    fix: () => ({
      summary: 'Serve the page over https (a secure context); then the user can grant local-network access.',
      details: `${LNA_NO_HEADER} ${LNA_PROMPT}`,
      traps: [LNA_IFRAMES, LNA_TARGET],
    }),
  },
  {
    ...unobservable(
      'InvalidLocalNetworkAccess',
      'Target address space mismatch',
      "The host resolved to another address space than the request's `targetAddressSpace` (or two connections of one response differed).",
      'Unobservable in practice: raised at connection time; webRequest gives only a net error and does not expose the target address space.',
      {
        observability: 'inferred',
        specUrl: `${LNA}#local-network-access-check`,
        chrome: 'Request had a target IP address space of `{a}` yet the resource is in address space `{b}`.',
        fix: 'Make the fetch() `targetAddressSpace` option match where the host actually resolves.',
      },
    ),
    observabilityNote:
      'Inferred: raised at connection time; webRequest ends the request with `net::ERR_FAILED` after its headers were sent and before any response, and does not expose the address spaces. The engine names it for such a request to a local address (Chromium 156, e2e/lna.e2e.ts).',
    chromeDetail: (_hint, f) => `Request had a target IP address space of \`${f.addressSpace ?? 'local'}\` yet the resource is in address space \`loopback\`.`,
    explain: (f) =>
      `The page \`${f.pageOrigin}\` requested \`${f.url}\` with a \`targetAddressSpace\` that does not match where the host resolved (for example \`'local'\` for a loopback address, or \`'public'\` for a local one), and Chromium refused to connect. ${LNA_NO_HEADER}`,
    fix: () => ({
      summary:
        'Make the fetch() `targetAddressSpace` option match where the host actually resolves (`loopback` for 127.0.0.1/localhost, `local` for LAN addresses), or leave it out.',
      details: `${LNA_TARGET} ${LNA_NO_HEADER}`,
      traps: [LNA_PROMPT, LNA_IFRAMES],
    }),
  },
  {
    ...unobservable(
      'LocalNetworkAccessPermissionDenied',
      'Local network access not permitted',
      "A public page requested a local (LAN) or loopback address without the user's `local-network` / `loopback-network` permission.",
      'Inferred only: raised at connection time; webRequest shows `net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS` (older builds: `…PRIVATE_NETWORK…`). The engine names it for a secure page.',
      {
        observability: 'inferred',
        specUrl: `${LNA}#local-network-access-check`,
        chrome: '',
        fix: 'The user must grant the local-network permission (or an administrator the `LocalNetworkAccessAllowedForUrls` policy); no server header can allow it.',
      },
    ),
    chromeDetail: (_hint, f) => `Permission was denied for this request to access the \`${lnaSpace(f)}\` address space.`,
    explain: (f) =>
      `The page \`${f.pageOrigin}\` requested \`${f.url}\`, an address on a more private network, and Chromium did not have the user's permission to reach the local network (the prompt was declined, dismissed, or could not be shown). ${LNA_NO_HEADER}`,
    fix: () => ({
      summary:
        'The user must allow the site to access the local network (the permission prompt, or site settings); an administrator can use the `LocalNetworkAccessAllowedForUrls` policy. No server header can allow it.',
      details: `${LNA_PROMPT} ${LNA_NO_HEADER}`,
      traps: [LNA_IFRAMES, LNA_TARGET],
    }),
  },
];

function firstInvalidToken(list: string | null): string {
  if (list === null) return '';
  for (const element of list.split(',')) {
    const trimmed = element.trim();
    if (trimmed !== '' && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(trimmed)) return trimmed;
  }
  return list;
}

/** The catalogue, keyed by Chromium's `Network.CorsError` name. */
export const RULES: Readonly<Record<CorsErrorName, RuleEntry>> = Object.freeze(
  Object.fromEntries(ALL_RULES.map((rule) => [rule.name, rule])) as Record<CorsErrorName, RuleEntry>,
);

/** The Chromium console line for a rule (cors_error_string.cc format). */
export function chromeConsoleMessage(rule: RuleEntry, facts: RuleFacts): string {
  const detail = rule.chromeDetail(encodeHint(facts.failedParameter), facts);
  if (rule.name === 'NoCorsRedirectModeNotFollow') return detail.replace('{url}', facts.firstUrl);
  const kind = resourceKind(facts.type);
  const redirected = facts.url !== facts.firstUrl ? `(redirected from '${facts.firstUrl}') ` : '';
  const prefix = rule.preflightPrefix ? "Response to preflight request doesn't pass access control check: " : '';
  const advice =
    kind === 'fetch' &&
    (rule.name.endsWith('MultipleAllowOriginValues') || rule.name.endsWith('InvalidAllowOriginValue') || rule.name.endsWith('AllowOriginMismatch'))
      ? ' Have the server send the header with a valid value.'
      : '';
  return `Access to ${kind} at '${facts.url}' ${redirected}from origin '${facts.pageOrigin}' has been blocked by CORS policy: ${prefix}${detail}${advice}`;
}

/** Firefox's full console line for a reason. */
export function firefoxConsoleMessage(url: string, reason: string): string {
  return `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${url}. (Reason: ${reason}${reason.includes('Status code:') ? '' : ').'}`;
}

/** cors_error_string.cc EncodeHint: non-printable or non-ASCII characters as \uXXXX. */
export function encodeHint(hint: string): string {
  let out = '';
  for (let i = 0; i < hint.length; i++) {
    const code = hint.charCodeAt(i);
    out += code >= 0x20 && code < 0x7f ? hint[i] : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

function resourceKind(type: ResourceType): string {
  switch (type) {
    case 'font':
      return 'font';
    case 'image':
      return 'image';
    case 'script':
      return 'script';
    case 'stylesheet':
      return 'stylesheet';
    case 'media':
      return 'media';
    default:
      return 'fetch';
  }
}
