/**
 * The engine's contract: what it is given (one observed cross-origin exchange, as a
 * webRequest listener with `extraHeaders` can see it) and what it answers (a verdict).
 * Pure data, no browser APIs: the service worker, the panel, the exports and the tests share it.
 */

/** One header line as it was on the wire. Lists keep order and duplicates. */
export interface HeaderLine {
  name: string;
  value: string;
}
export type HeaderList = readonly HeaderLine[];

/** webRequest's ResourceType values (Chromium), plus anything else a future browser sends. */
export type ResourceType =
  | 'main_frame'
  | 'sub_frame'
  | 'stylesheet'
  | 'script'
  | 'image'
  | 'font'
  | 'object'
  | 'xmlhttprequest'
  | 'ping'
  | 'csp_report'
  | 'media'
  | 'websocket'
  | 'webbundle'
  | 'other'
  | (string & {});

export interface ObservedResponse {
  status: number;
  headers: HeaderList;
}

/** One redirect hop of the actual request: the response at `url` told the browser to go to `location`. */
export interface ObservedRedirect {
  url: string;
  status: number;
  location: string;
  headers: HeaderList;
}

/** The CORS preflight (OPTIONS) the browser sent for this request, when one was observed. */
export interface ObservedPreflight {
  /** The URL the preflight went to (the actual request's URL at that point of the redirect chain). */
  url: string;
  request: { headers: HeaderList };
  /** Null when no response arrived (network failure of the preflight itself). */
  response: ObservedResponse | null;
  /** Set when the preflight answer was a redirect (3xx with Location). */
  redirectedTo?: string | null;
  /** The preflight's own net error when it failed at the network level, e.g. `net::ERR_CONNECTION_REFUSED`. */
  error: string | null;
}

export type Outcome =
  | { kind: 'completed' }
  /** `error` is the webRequest error string, e.g. `net::ERR_FAILED`, `net::ERR_EMPTY_RESPONSE`. */
  | { kind: 'error'; error: string };

/** Everything the browser let an extension observe about one cross-origin request. */
export interface ObservedExchange {
  /**
   * The serialized origin of the initiator (webRequest `initiator`), `"null"` for an opaque
   * origin, or null when the browser did not say.
   */
  initiator: string | null;
  request: {
    /** The first URL of the request (before any redirect). */
    url: string;
    method: string;
    type: ResourceType;
    /**
     * Request headers as last sent (onSendHeaders with extraHeaders), or null when the request
     * never sent headers (its preflight failed, or it failed before reaching the network).
     */
    headers: HeaderList | null;
  };
  /** The last preflight observed for this request, or null (none needed, or served from the preflight cache). */
  preflight: ObservedPreflight | null;
  /** Redirect hops of the actual request, in order. */
  redirects: readonly ObservedRedirect[];
  /** The final response's status and headers (onHeadersReceived), or null when none arrived. */
  response: ObservedResponse | null;
  outcome: Outcome;
  /** True when the browser said the response came from its HTTP cache. */
  fromCache?: boolean;
  /**
   * What the same tab showed before this exchange, when it bears on it (attached by the service
   * worker; absent in older logs and HAR files). See ExchangeContext.
   */
  context?: ExchangeContext | null;
  /**
   * The request's credentials mode when the observer knows it (the CLI, which makes the request
   * itself). webRequest and HAR files do not show it; absent, the engine infers it from `Cookie`.
   */
  credentials?: 'omit' | 'same-origin' | 'include';
  /**
   * A request header that showed credentials mode include on an earlier URL of a redirected
   * request, when the headers last sent no longer show it; `urlIndex` is that URL's place in the
   * chain (0: `request.url`, n: `redirects[n - 1].location`). Firefox stops sending
   * `Sec-Fetch-Storage-Access` once a redirect has made the request's origin `null`, while the
   * request stays credentialed (docs/firefox.md, "Credentials after a redirect"). Only Firefox's
   * capture fills it.
   */
  credentialsBeforeRedirect?: CredentialsEvidenceHeader | null;
  /**
   * True when the observer knows it did not see every event of this exchange: the browser stopped
   * the extension's service worker while the request ran and discarded the events it sent then
   * (docs/reliability.md). A missing response, preflight answer or request headers is then no
   * evidence of anything, so the judge infers no rule from their absence.
   */
  partial?: boolean;
}

/** Where a header that shows credentials mode include was sent (see ObservedExchange.credentialsBeforeRedirect). */
export interface CredentialsEvidenceHeader {
  /** The header's lower-case name: `cookie` or `sec-fetch-storage-access`. */
  name: 'cookie' | 'sec-fetch-storage-access';
  urlIndex: number;
}

/** Evidence from earlier exchanges of the same tab. */
export interface ExchangeContext {
  /** Epoch ms when this request started (to say until when a cached preflight holds). */
  requestTime: number;
  /**
   * The last successfully answered preflight this tab saw for the same page origin and URL before
   * this request, with the epoch ms its exchange started (within milliseconds of when Chromium
   * cached the answer): Chromium's preflight cache holds what that answer allowed.
   */
  earlierPreflight: { time: number; preflight: ObservedPreflight } | null;
  /**
   * Other page origins (not this exchange's) the same server origin answered with
   * `Access-Control-Allow-Origin` equal to their own `Origin` in this tab, oldest first.
   */
  echoedOrigins: string[];
}

/**
 * Chromium's `Network.CorsError` names (DevTools protocol), current and historical:
 * an engine reading older logs must accept every value ever shipped.
 */
export const CORS_ERROR_NAMES = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'PreflightMissingAllowExternal',
  'PreflightInvalidAllowExternal',
  'PreflightMissingAllowPrivateNetwork',
  'PreflightInvalidAllowPrivateNetwork',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  'InsecurePrivateNetwork',
  'InvalidPrivateNetworkAccess',
  'UnexpectedPrivateNetworkAccess',
  'NoCorsRedirectModeNotFollow',
  'PreflightMissingPrivateNetworkAccessId',
  'PreflightMissingPrivateNetworkAccessName',
  'PrivateNetworkAccessPermissionUnavailable',
  'PrivateNetworkAccessPermissionDenied',
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'LocalNetworkAccessPermissionDenied',
] as const;
export type CorsErrorName = (typeof CORS_ERROR_NAMES)[number];

/** Where in the exchange the failing check ran. */
export type Stage = 'preflight' | 'redirect' | 'response' | 'request';

/** Why the browser had to send a preflight: one entry per cause. */
export interface PreflightReason {
  kind: 'method' | 'header' | 'header-value' | 'header-length' | 'total-length' | 'forced';
  /** Lower-cased header name, or the method, that caused it. */
  name: string;
  value?: string;
  /** A plain sentence, e.g. "Content-Type: application/json is not one of the three safelisted values". */
  message: string;
  /** A client-side change that avoids this cause of the preflight, when one exists (a client change, not a server fix). */
  clientAlternative?: string;
}

export interface FixSnippet {
  /** Stable id of the server stack: 'express', 'nginx', 'fastify', 'apache', 'django', 'spring', 'aspnet', ... */
  stack: string;
  /** Human label, e.g. "Express (cors)". */
  label: string;
  language: string;
  /** Starts with a comment line naming the versions and whether the suite verified it. */
  code: string;
  /**
   * The exact server/library versions the fix-verification suite (e2e/fixes.e2e.ts) proved this
   * snippet on; null = not verified by our test suite.
   */
  verified: { version: string } | null;
  /** Which major versions the snippet is for, e.g. "Express 4.x and 5.x with cors 2.8". */
  versions: string;
}

export interface Fix {
  /** One line: what to change on the server. */
  summary: string;
  /** Longer guidance in plain text. */
  details: string;
  snippets: FixSnippet[];
  /** Traps that commonly defeat the obvious fix. */
  traps: string[];
}

export interface Observation {
  /** The header (or pseudo-field like `status`) the check read. */
  field: string;
  expected: string;
  actual: string | null;
}

export interface Warning {
  code: string;
  message: string;
  /** How much it matters: high only for credential-bearing, origin-trusting configurations. */
  severity?: 'high' | 'medium' | 'low';
  /** Short title from the hazard catalogue (src/engine/hazards.ts). */
  title?: string;
}

/**
 * The "not really a CORS bug" classification: the browser named a CORS rule (or a network error),
 * but the evidence says the root cause is elsewhere (an error page, an auth layer, a dev server's
 * host check, a second proxy layer, the network).
 */
export interface Cause {
  /** Stable id from the cause catalogue (src/engine/hazards.ts), e.g. `error-status-without-cors`. */
  code: string;
  title: string;
  summary: string;
  /** The observed facts it rests on, one sentence each. */
  evidence: string[];
}

export type VerdictKind =
  /** The browser blocked it by CORS policy. */
  | 'cors-blocked'
  /** It failed, but not because of CORS (connection refused, empty response, aborted, ...). */
  | 'network-error'
  /** It passed the CORS checks (the status may still be 4xx/5xx). */
  | 'passed'
  /** Not a CORS-mode cross-origin request (no-cors, same-origin, navigation). */
  | 'not-cors';

export interface Verdict {
  kind: VerdictKind;
  blocked: boolean;
  /** The Chromium `Network.CorsError` name for a block, null otherwise. */
  rule: CorsErrorName | null;
  /** As Chromium gives it in `corsErrorStatus.failedParameter` ('' when it gives none). */
  failedParameter: string;
  stage: Stage | null;
  /** For a redirect-stage failure: the index into `redirects`. */
  hopIndex: number | null;
  /** The non-CORS net error when kind is 'network-error'. */
  networkError: string | null;
  /** Short title, e.g. "Origin mismatch (trailing slash)". */
  title: string;
  /** Plain-language explanation quoting the observed values. */
  explanation: string;
  observed: Observation[];
  /** Why a preflight was needed (empty when none was). */
  preflightReasons: PreflightReason[];
  fix: Fix | null;
  /** Link to the Fetch standard step that failed. */
  specUrl: string | null;
  /** What Chromium's console prints for it. */
  chromeMessage: string | null;
  /** What Firefox would say for the same problem. */
  firefox: { key: string; message: string } | null;
  confidence: 'certain' | 'inferred';
  /** What the engine inferred from, when confidence is 'inferred'. */
  evidence: string[];
  /** Cross-browser hazards and lint findings that did not block this request in Chromium. */
  warnings: Warning[];
  /** When the real cause is not a CORS configuration mistake: what it is, shown first. */
  cause?: Cause | null;
  /** The credentials mode the engine decided on. */
  credentials: 'include' | 'omit-or-same-origin' | 'unknown';
}
