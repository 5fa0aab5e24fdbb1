/**
 * Firefox's CORS console reasons: the keys (as MDN's error pages name them,
 * https://developer.mozilla.org/docs/Web/HTTP/Guides/CORS/Errors) and their en-US texts (Firefox's
 * `dom/locales/en-US/chrome/security/security.properties`, where some keys carry a version suffix:
 * `CORSMissingAllowOrigin2`, `CORSDidNotSucceed2`, `CORSPreflightDidNotSucceed3`,
 * `CORSMissingAllowHeaderFromPreflight2`). Firefox quotes names and values with ‘ ’ (U+2018/U+2019).
 *
 * Every blocking message is one line:
 * `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at <url>. (Reason: <reason>).`
 * where a reason that reports the status ends `…). Status code: <status>.` instead.
 */

export const FIREFOX_REASON_KEYS = [
  'CORSDisabled',
  'CORSDidNotSucceed',
  'CORSOriginHeaderNotAdded',
  'CORSExternalRedirectNotAllowed',
  'CORSRequestNotHttp',
  'CORSMissingAllowOrigin',
  'CORSMultipleAllowOriginNotAllowed',
  'CORSAllowOriginNotMatchingOrigin',
  'CORSNotSupportingCredentials',
  'CORSMethodNotFound',
  'CORSMissingAllowCredentials',
  'CORSPreflightDidNotSucceed',
  'CORSInvalidAllowMethod',
  'CORSInvalidAllowHeader',
  'CORSMissingAllowHeaderFromPreflight',
] as const;
export type FirefoxReasonKey = (typeof FIREFOX_REASON_KEYS)[number];

/** The values a reason quotes. */
export interface FirefoxReasonParams {
  /** The response status, for the reasons that report it (`(null)` when there was no response). */
  status?: number | null;
  /** The Access-Control-Allow-Origin value, an invalid token, or a header name. */
  value?: string;
}

const ACAO = '‘Access-Control-Allow-Origin’';
const status = (params: FirefoxReasonParams) => `). Status code: ${params.status ?? '(null)'}.`;

/** The text after `(Reason: `, up to and including the closing `).` (or the status suffix). */
const REASON_TEXT: Record<FirefoxReasonKey, (params: FirefoxReasonParams) => string> = {
  CORSDisabled: () => 'CORS disabled).',
  CORSDidNotSucceed: (p) => `CORS request did not succeed${status(p)}`,
  CORSOriginHeaderNotAdded: () => 'CORS header ‘Origin’ cannot be added).',
  CORSExternalRedirectNotAllowed: () => 'CORS request external redirect not allowed).',
  CORSRequestNotHttp: () => 'CORS request not http).',
  CORSMissingAllowOrigin: (p) => `CORS header ${ACAO} missing${status(p)}`,
  CORSMultipleAllowOriginNotAllowed: () => `Multiple CORS header ${ACAO} not allowed).`,
  CORSAllowOriginNotMatchingOrigin: (p) => `CORS header ${ACAO} does not match ‘${p.value ?? ''}’).`,
  CORSNotSupportingCredentials: () => `Credential is not supported if the CORS header ${ACAO} is ‘*’).`,
  CORSMethodNotFound: () => 'Did not find method in CORS header ‘Access-Control-Allow-Methods’).',
  CORSMissingAllowCredentials: () => 'expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).',
  CORSPreflightDidNotSucceed: (p) => `CORS preflight response did not succeed${status(p)}`,
  CORSInvalidAllowMethod: (p) => `invalid token ‘${p.value ?? ''}’ in CORS header ‘Access-Control-Allow-Methods’).`,
  CORSInvalidAllowHeader: (p) => `invalid token ‘${p.value ?? ''}’ in CORS header ‘Access-Control-Allow-Headers’).`,
  CORSMissingAllowHeaderFromPreflight: (p) =>
    `header ‘${p.value ?? ''}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).`,
};

const PREFIX = 'Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ';

/** Firefox's whole console line for a block of `url`. */
export function firefoxBlockMessage(key: FirefoxReasonKey, url: string, params: FirefoxReasonParams = {}): string {
  // CORSNotSupportingCredentials alone wraps the URL in quotes.
  const shownUrl = key === 'CORSNotSupportingCredentials' ? `‘${url}’` : url;
  return `${PREFIX}${shownUrl}. (Reason: ${REASON_TEXT[key](params)}`;
}

export interface ParsedFirefoxMessage {
  url: string;
  key: FirefoxReasonKey;
  /** The text after `(Reason: `, as Firefox printed it. */
  reason: string;
  status: number | null;
  value: string | null;
}

const Q = "[‘'’]";
/** Reason patterns, en-US; older wordings (seen in pasted logs) are accepted too. */
const PATTERNS: Array<[FirefoxReasonKey, RegExp]> = [
  ['CORSDisabled', /^CORS disabled/],
  ['CORSDidNotSucceed', /^CORS request did not succeed/],
  ['CORSOriginHeaderNotAdded', new RegExp(`^CORS header ${Q}Origin${Q} cannot be added`)],
  ['CORSExternalRedirectNotAllowed', /^CORS request external redirect not allowed/],
  ['CORSRequestNotHttp', /^CORS request not http/i],
  ['CORSMissingAllowOrigin', new RegExp(`^CORS header ${Q}Access-Control-Allow-Origin${Q} missing`)],
  ['CORSMultipleAllowOriginNotAllowed', new RegExp(`^Multiple CORS headers? ${Q}Access-Control-Allow-Origin${Q} not allowed`)],
  ['CORSAllowOriginNotMatchingOrigin', new RegExp(`^CORS header ${Q}Access-Control-Allow-Origin${Q} does not match ${Q}(.*)${Q}\\)`)],
  ['CORSNotSupportingCredentials', /^Credential is not supported if the CORS header/],
  ['CORSMethodNotFound', /^Did not find method in CORS header/],
  ['CORSMissingAllowCredentials', new RegExp(`^expected ${Q}true${Q} in CORS header`)],
  ['CORSPreflightDidNotSucceed', /^CORS preflight (?:response|channel) did not succeed/],
  ['CORSInvalidAllowMethod', new RegExp(`^invalid token ${Q}(.*)${Q} in CORS header ${Q}Access-Control-Allow-Methods${Q}`)],
  ['CORSInvalidAllowHeader', new RegExp(`^invalid token ${Q}(.*)${Q} in CORS header ${Q}Access-Control-Allow-Headers${Q}`)],
  ['CORSMissingAllowHeaderFromPreflight', new RegExp(`^(?:header|missing token) ${Q}(.*?)${Q} (?:is not allowed according to header|in CORS header)`)],
];

const MESSAGE = /^Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at [‘]?(.*?)[’]?\. \(Reason: (.*)$/s;

/** Reads one of Firefox's en-US blocking console lines; null for any other text. */
export function parseFirefoxBlockMessage(text: string): ParsedFirefoxMessage | null {
  const match = MESSAGE.exec(text.trim());
  if (!match) return null;
  const url = match[1]!;
  const reason = match[2]!;
  for (const [key, pattern] of PATTERNS) {
    const found = pattern.exec(reason);
    if (!found) continue;
    const statusMatch = /Status code: (\d+)\.$/.exec(reason);
    return { url, key, reason, status: statusMatch ? Number(statusMatch[1]) : null, value: found[1] ?? null };
  }
  return null;
}
