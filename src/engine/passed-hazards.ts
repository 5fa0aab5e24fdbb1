/**
 * Hazards on what passed: a request the browser let through can still be fragile (it works only in
 * Chromium, only until a cache entry expires) or unsafe (an origin reflected with credentials).
 * Each warning's code is an entry of the HAZARDS catalogue (hazards.ts, docs/rules.md).
 */
import { CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS, FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS } from './fetch-spec';
import { displayHeaderName } from './fixes';
import { hazard } from './hazards';
import { asciiLowercase, combinedHeaderValue, EMPTY_HEADERS, headerNameIs } from './headers';
import { originOfUrl } from './http';
import { type JudgeContext, finalResponseCors } from './judge-context';
import type { RequestHeaderScan } from './request-evidence';
import type { HeaderLine, HeaderList, Warning } from './types';

/** Appends the hazards of a request that passed to `warnings`. */
export function passedRequestHazards(warnings: Warning[], ctx: JudgeContext, scan: RequestHeaderScan | null, authorizationViaWildcard: boolean): void {
  const { ex } = ctx;
  if (authorizationViaWildcard) {
    warnings.push(
      hazard(
        'authorization-wildcard',
        'The request sends `Authorization`, and the preflight allowed it only through `Access-Control-Allow-Headers: *`. Chromium and Firefox let this pass today; the Fetch standard does not (`*` never covers `Authorization`), so a browser that follows it rejects it. List `Authorization` explicitly.',
      ),
    );
  }
  const preflightResponse = ex.preflight?.response ?? null;
  if (preflightResponse) {
    const maxAge = combinedHeaderValue(preflightResponse.headers, 'access-control-max-age');
    if (maxAge !== null) {
      const seconds = Number(maxAge);
      if (!/^\d+$/.test(maxAge)) {
        warnings.push(
          hazard(
            'max-age-unparsable',
            `\`Access-Control-Max-Age: ${maxAge}\` is not a number of seconds: Chromium uses its 5 s default, Firefox does not cache the preflight at all.`,
          ),
        );
      } else if (seconds > CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS) {
        const caps =
          seconds > FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS
            ? `exceeds both browsers' caps: Chromium keeps a preflight at most ${CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS} s (2 h), Firefox ${FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS} s (24 h).`
            : `exceeds Chromium's cap: Chromium keeps a preflight at most ${CHROMIUM_PREFLIGHT_MAX_AGE_CAP_SECONDS} s (2 h); Firefox keeps it for the full time (its cap is ${FIREFOX_PREFLIGHT_MAX_AGE_CAP_SECONDS} s, 24 h).`;
        warnings.push(hazard('max-age-above-cap', `\`Access-Control-Max-Age: ${maxAge}\` ${caps}`));
      }
    }
    if (combinedHeaderValue(preflightResponse.headers, 'access-control-allow-private-network') === 'true') {
      warnings.push(
        hazard(
          'private-network-header',
          '`Access-Control-Allow-Private-Network: true` belongs to Private Network Access, which Chromium replaced with Local Network Access (a user permission); the header has no effect in current Chromium.',
        ),
      );
    }
    const requested = ex.preflight ? combinedHeaderValue(ex.preflight.requestHeaders, 'access-control-request-headers') : null;
    const allowed = combinedHeaderValue(preflightResponse.headers, 'access-control-allow-headers');
    // Chromium and Firefox write Access-Control-Request-Headers lower-case, sorted, comma-separated
    // without spaces; a hand-written allow-list almost never looks like that, an echo always does.
    if (requested !== null && requested !== '' && allowed === requested && /^[a-z0-9!#$%&'*+.^_`|~-]+(,[a-z0-9!#$%&'*+.^_`|~-]+)*$/.test(requested)) {
      const method = combinedHeaderValue(ex.preflight!.requestHeaders, 'access-control-request-method');
      const methodsEcho = method !== null && combinedHeaderValue(preflightResponse.headers, 'access-control-allow-methods') === method;
      warnings.push(
        hazard(
          'preflight-echoes-request',
          `The preflight answered \`Access-Control-Allow-Headers: ${allowed}\`, byte for byte the browser's \`Access-Control-Request-Headers\`${methodsEcho ? `, and \`Access-Control-Allow-Methods: ${method}\`, its \`Access-Control-Request-Method\`` : ''}: the server allows whatever a page asks for. List the headers${methodsEcho ? ' and methods' : ''} your API really accepts.`,
        ),
      );
    }
  }
  const final = ex.response;
  if (final) {
    const cors = finalResponseCors(ctx, final);
    const allowOrigin = cors.allowOrigin;
    const credentialed = cors.allowCredentials === 'true';
    if (allowOrigin === '*' && credentialed) {
      warnings.push(
        hazard(
          'wildcard-with-credentials',
          '`Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true` never works: browsers reject `*` for credentialed requests. Echo the origin instead if credentials are needed.',
        ),
      );
    }
    // Only a specific Allow-Origin can be an echo; the Origin header is read only then.
    const specific = allowOrigin !== null && allowOrigin !== '*';
    let reflected: boolean | null = null;
    const isReflected = (): boolean => (reflected ??= specific && allowOrigin === combinedHeaderValue(ex.headers ?? EMPTY_HEADERS, 'origin'));
    const others =
      specific && ex.context && ex.context.echoedOrigins.length > 0 ? ex.context.echoedOrigins.filter((origin) => origin !== allowOrigin) : NO_NAMES;
    if (specific && (allowOrigin === ctx.pageOrigin || isReflected())) {
      const vary = cors.vary;
      if (vary === null || !varyCoversOrigin(vary)) {
        warnings.push(
          hazard(
            'missing-vary-origin',
            `The response echoes \`Access-Control-Allow-Origin: ${allowOrigin}\` without \`Vary: Origin\`: if the value depends on the request's Origin, a shared cache can serve it to another origin and break (or leak) CORS there.`,
            others.length > 0 ? 'medium' : 'low',
          ),
        );
      }
    }
    if (allowOrigin === 'null') {
      warnings.push(
        hazard(
          'null-origin-allowed',
          `\`Access-Control-Allow-Origin: null\` also grants access to sandboxed iframes, \`file:\` pages and redirect-tainted requests of any site${credentialed ? ", and with `Access-Control-Allow-Credentials: true` they read the user's data with their cookies" : ''}. Allow real origins only.`,
          credentialed ? 'high' : 'medium',
        ),
      );
    }
    if ((allowOrigin === 'null' || others.length > 0) && isReflected()) {
      const seen =
        allowOrigin === 'null'
          ? 'the meaningless origin `null` (sent after a cross-origin redirect)'
          : `${others.length + 1} different origins in this tab (${[...others, allowOrigin].map((o) => `\`${o}\``).join(', ')})`;
      warnings.push(
        hazard(
          'origin-reflected',
          `The server echoed ${seen}: it appears to reflect whatever \`Origin\` it gets${credentialed ? ", with `Access-Control-Allow-Credentials: true`, so any website can read this API with the user's cookies. This is what flask-cors `supports_credentials=True` with `origins='*'`, django-cors-headers `CORS_ALLOW_ALL_ORIGINS` with credentials, and Express `cors({ origin: true, credentials: true })` do" : ''}. Compare \`Origin\` with an allow-list and echo only the origins on it.`,
          credentialed ? 'high' : 'low',
        ),
      );
    }
    if (allowOrigin !== null && allowOrigin.startsWith('http://') && (ctx.urls[ctx.urls.length - 1] ?? '').startsWith('https://')) {
      warnings.push(
        hazard(
          'http-origin-trusted',
          `An https resource trusts the plain-http origin \`${allowOrigin}\`, which a network attacker can impersonate${credentialed ? " and then read the user's data with their cookies" : ''}.`,
          credentialed ? 'high' : 'low',
        ),
      );
    }
    if (final.status === 401 && ex.redirects.some((hop) => originOfUrl(hop.location) !== originOfUrl(hop.url))) {
      warnings.push(
        hazard(
          'authorization-dropped-on-redirect',
          'The request was redirected to another origin and then answered 401: browsers drop `Authorization` on cross-origin redirects. Call the final URL directly.',
        ),
      );
    }
    if (ex.type === 'xmlhttprequest' && allowOrigin !== null) {
      const hidden = unexposedResponseHeaders(final.headers, credentialed);
      if (hidden.length > 0) {
        warnings.push(
          hazard(
            'header-not-exposed',
            `The response carries ${hidden.map((name) => `\`${name}\``).join(', ')}, which \`Access-Control-Expose-Headers\` does not list. If your code reads ${hidden.length === 1 ? 'it' : 'these'}, \`response.headers.get()\` returns null: add \`Access-Control-Expose-Headers: ${hidden.join(', ')}\`.`,
          ),
        );
      }
    }
  }
  if (ex.headers && scan && scan.chromiumOnlySafelisted !== null) {
    warnings.push(
      hazard(
        'chromium-only-safelisted-header',
        `\`${displayHeaderName(scan.chromiumOnlySafelisted)}\` is safelisted only in Chromium: in Firefox and per the Fetch standard it triggers a preflight, which the server must then allow.`,
      ),
    );
  }
}

/** Response headers an application reads and infrastructure does not add (see HAZARDS['header-not-exposed']). */
const APPLICATION_RESPONSE_HEADERS = new Set(['etag', 'link', 'content-disposition', 'retry-after', 'location']);
const INFRASTRUCTURE_X_HEADERS = new Set([
  'x-powered-by',
  'x-content-type-options',
  'x-frame-options',
  'x-xss-protection',
  'x-cache',
  'x-cache-hits',
  'x-served-by',
  'x-timer',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-envoy-upstream-service-time',
  'x-ua-compatible',
]);

const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];

/** Whether an application (not infrastructure) plausibly set this response header; `lower` is lower-cased. */
function isApplicationResponseHeader(lower: string): boolean {
  if (APPLICATION_RESPONSE_HEADERS.has(lower) || lower.startsWith('ratelimit') || lower.startsWith('x-ratelimit')) return true;
  return lower.startsWith('x-') && !INFRASTRUCTURE_X_HEADERS.has(lower) && !lower.startsWith('x-amz-') && !lower.startsWith('x-cloud');
}

function unexposedResponseHeaders(headers: HeaderList, credentialed: boolean): string[] {
  // Most responses carry no candidate at all: find those first, with a cheap first-letter test.
  let candidates: string[] | null = null;
  for (let i = 0; i < headers.length; i++) {
    const name = (headers[i] as HeaderLine).name;
    const first = name.charCodeAt(0) | 0x20;
    const length = name.length;
    // x-…, etag, link, location, content-disposition, retry-after, ratelimit…
    const maybe =
      first === 0x78
        ? name.charCodeAt(1) === 0x2d
        : first === 0x63
          ? length === 19
          : first === 0x65
            ? length === 4
            : first === 0x6c
              ? length === 4 || length === 8
              : first === 0x72 && length >= 9;
    if (!maybe) continue;
    const lower = asciiLowercase(name);
    if (isApplicationResponseHeader(lower) && !(candidates ??= []).includes(name)) candidates.push(name);
  }
  if (candidates === null) return NO_NAMES;
  const exposed = new Set<string>();
  const exposeHeaders = combinedHeaderValue(headers, 'access-control-expose-headers');
  for (const part of exposeHeaders === null ? NO_NAMES : exposeHeaders.split(',')) {
    const name = asciiLowercase(part.trim());
    // `*` exposes everything only to a request without credentials.
    if (name === '*' && !credentialed) return NO_NAMES;
    if (name !== '') exposed.add(name);
  }
  return candidates.filter((name) => !exposed.has(asciiLowercase(name)));
}

/** `Vary` lists `Origin` (or is `*`). The whole-value forms are nearly all real traffic and need no regex. */
function varyCoversOrigin(vary: string): boolean {
  if (vary === '*' || headerNameIs(vary, 'origin')) return true;
  return /(^|[\s,])(origin|\*)($|[\s,])/i.test(vary);
}
