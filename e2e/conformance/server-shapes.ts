/**
 * The server side of the corpus: Access-Control-* header variants, each with the effect the
 * generator intends it to have. The effects follow Chromium's check order (docs/chromium-behaviour.md);
 * the suite checks every intention against Chromium itself, so a wrong one shows up as a
 * generator error, never as a silent pass.
 */
import type { CorsErrorName } from '../../src/engine/types';
import type { Header } from './scenario';

export const ACAO = 'Access-Control-Allow-Origin';
export const ACAC = 'Access-Control-Allow-Credentials';
export const ACAM = 'Access-Control-Allow-Methods';
export const ACAH = 'Access-Control-Allow-Headers';
export const ACMA = 'Access-Control-Max-Age';

export interface Failure {
  rule: CorsErrorName;
  failedParameter: string;
}

/** How an Access-Control-Allow-Origin value fares in Chromium's CheckAccess. */
type AllowOriginKind =
  | { kind: 'missing' }
  | { kind: 'wildcard' }
  /** A value the check compares byte for byte with the origin: a URL, `null`, or the echoed Origin. */
  | { kind: 'exact'; value: string | 'echo' }
  | { kind: 'multiple'; value: string }
  | { kind: 'invalid'; value: string };

export interface AllowOriginVariant {
  slug: string;
  lines: Header[];
  effect: AllowOriginKind;
}

export interface AllowCredentialsVariant {
  slug: string;
  lines: Header[];
  /** Whether Chromium accepts it for a credentialed request (only the exact `true` does). */
  accepted: boolean;
  /** The value Chromium reports, the lines joined as it joins them. */
  value: string;
}

/** Access-Control-Allow-Origin variants; `page` is the page's origin. */
export function allowOriginVariants(page: string): AllowOriginVariant[] {
  const pageUrl = new URL(page);
  const otherHost = `${pageUrl.protocol}//localhost:${pageUrl.port}`;
  return [
    { slug: 'acao-absent', lines: [], effect: { kind: 'missing' } },
    { slug: 'acao-echo', lines: [[ACAO, '{origin}']], effect: { kind: 'exact', value: 'echo' } },
    { slug: 'acao-wildcard', lines: [[ACAO, '*']], effect: { kind: 'wildcard' } },
    { slug: 'acao-null', lines: [[ACAO, 'null']], effect: { kind: 'exact', value: 'null' } },
    { slug: 'acao-page-literal', lines: [[ACAO, page]], effect: { kind: 'exact', value: page } },
    { slug: 'acao-trailing-slash', lines: [[ACAO, `${page}/`]], effect: { kind: 'exact', value: `${page}/` } },
    { slug: 'acao-with-path', lines: [[ACAO, `${page}/app`]], effect: { kind: 'exact', value: `${page}/app` } },
    { slug: 'acao-other-origin', lines: [[ACAO, 'https://app.example.com']], effect: { kind: 'exact', value: 'https://app.example.com' } },
    {
      slug: 'acao-upper-case-scheme',
      lines: [[ACAO, page.replace('http://', 'HTTP://')]],
      effect: { kind: 'exact', value: page.replace('http://', 'HTTP://') },
    },
    { slug: 'acao-other-host', lines: [[ACAO, otherHost]], effect: { kind: 'exact', value: otherHost } },
    { slug: 'acao-https-scheme', lines: [[ACAO, page.replace('http://', 'https://')]], effect: { kind: 'exact', value: page.replace('http://', 'https://') } },
    {
      slug: 'acao-other-port',
      lines: [[ACAO, `${pageUrl.protocol}//${pageUrl.hostname}:1`]],
      effect: { kind: 'exact', value: `${pageUrl.protocol}//${pageUrl.hostname}:1` },
    },
    { slug: 'acao-bare-host', lines: [[ACAO, 'app.example.com']], effect: { kind: 'invalid', value: 'app.example.com' } },
    { slug: 'acao-host-and-port', lines: [[ACAO, pageUrl.host]], effect: { kind: 'invalid', value: pageUrl.host } },
    { slug: 'acao-upper-case-null', lines: [[ACAO, 'NULL']], effect: { kind: 'invalid', value: 'NULL' } },
    { slug: 'acao-empty', lines: [[ACAO, '']], effect: { kind: 'invalid', value: '' } },
    {
      slug: 'acao-comma-list',
      lines: [[ACAO, `${page},https://app.example.com`]],
      effect: { kind: 'multiple', value: `${page},https://app.example.com` },
    },
    {
      slug: 'acao-space-list',
      lines: [[ACAO, `${page} https://app.example.com`]],
      effect: { kind: 'multiple', value: `${page} https://app.example.com` },
    },
    {
      slug: 'acao-duplicated-echo',
      lines: [
        [ACAO, '{origin}'],
        [ACAO, '{origin}'],
      ],
      effect: { kind: 'multiple', value: 'echo, echo' },
    },
    {
      slug: 'acao-duplicated-wildcard',
      lines: [
        [ACAO, '*'],
        [ACAO, '*'],
      ],
      effect: { kind: 'multiple', value: '*, *' },
    },
    {
      slug: 'acao-wildcard-and-echo',
      lines: [
        [ACAO, '*'],
        [ACAO, '{origin}'],
      ],
      effect: { kind: 'multiple', value: '*, echo' },
    },
    { slug: 'acao-lower-case-name', lines: [['access-control-allow-origin', '{origin}']], effect: { kind: 'exact', value: 'echo' } },
    { slug: 'acao-upper-case-name', lines: [['ACCESS-CONTROL-ALLOW-ORIGIN', '{origin}']], effect: { kind: 'exact', value: 'echo' } },
  ];
}

export function allowCredentialsVariants(): AllowCredentialsVariant[] {
  return [
    { slug: 'acac-absent', lines: [], accepted: false, value: '' },
    { slug: 'acac-true', lines: [[ACAC, 'true']], accepted: true, value: 'true' },
    { slug: 'acac-capitalised', lines: [[ACAC, 'True']], accepted: false, value: 'True' },
    { slug: 'acac-upper-case', lines: [[ACAC, 'TRUE']], accepted: false, value: 'TRUE' },
    { slug: 'acac-false', lines: [[ACAC, 'false']], accepted: false, value: 'false' },
    { slug: 'acac-one', lines: [[ACAC, '1']], accepted: false, value: '1' },
    {
      slug: 'acac-duplicated',
      lines: [
        [ACAC, 'true'],
        [ACAC, 'true'],
      ],
      accepted: false,
      value: 'true, true',
    },
    { slug: 'acac-lower-case-name', lines: [['access-control-allow-credentials', 'true']], accepted: true, value: 'true' },
  ];
}

export const ACAC_TRUE: AllowCredentialsVariant = allowCredentialsVariants().find((v) => v.slug === 'acac-true')!;
export const ACAC_ABSENT: AllowCredentialsVariant = allowCredentialsVariants().find((v) => v.slug === 'acac-absent')!;

export function allowOriginVariant(page: string, slug: string): AllowOriginVariant {
  const variant = allowOriginVariants(page).find((v) => v.slug === slug);
  if (!variant) throw new Error(`No Access-Control-Allow-Origin variant ${slug}`);
  return variant;
}

/**
 * CheckAccess as Chromium runs it on a response (or, with `preflight`, on a preflight answer):
 * `origin` is the Origin the request carried (`null` once a redirect tainted it).
 */
export function expectAccess(
  allowOrigin: AllowOriginVariant,
  allowCredentials: AllowCredentialsVariant,
  origin: string,
  includeCredentials: boolean,
  preflight = false,
): Failure | null {
  const failure = (rule: CorsErrorName, failedParameter = ''): Failure => ({
    rule: preflight ? preflightVariantOf(rule) : rule,
    failedParameter,
  });
  const effect = allowOrigin.effect;
  switch (effect.kind) {
    case 'missing':
      return failure('MissingAllowOriginHeader');
    case 'wildcard':
      if (includeCredentials) return failure('WildcardOriginNotAllowed');
      return null;
    case 'multiple':
      return failure('MultipleAllowOriginValues', effect.value.replaceAll('echo', origin));
    case 'invalid':
      return failure('InvalidAllowOriginValue', effect.value);
    case 'exact': {
      const value = effect.value === 'echo' ? origin : effect.value;
      if (value !== origin) return failure('AllowOriginMismatch', value);
      break;
    }
  }
  if (includeCredentials && !allowCredentials.accepted) return failure('InvalidAllowCredentials', allowCredentials.value);
  return null;
}

const PREFLIGHT_VARIANTS: Partial<Record<CorsErrorName, CorsErrorName>> = {
  WildcardOriginNotAllowed: 'PreflightWildcardOriginNotAllowed',
  MissingAllowOriginHeader: 'PreflightMissingAllowOriginHeader',
  MultipleAllowOriginValues: 'PreflightMultipleAllowOriginValues',
  InvalidAllowOriginValue: 'PreflightInvalidAllowOriginValue',
  AllowOriginMismatch: 'PreflightAllowOriginMismatch',
  InvalidAllowCredentials: 'PreflightInvalidAllowCredentials',
};

function preflightVariantOf(rule: CorsErrorName): CorsErrorName {
  const variant = PREFLIGHT_VARIANTS[rule];
  if (!variant) throw new Error(`${rule} has no preflight variant`);
  return variant;
}

/** An Access-Control-Allow-Methods or -Headers variant: its lines, and the list Chromium parses from them. */
export interface AllowListVariant {
  slug: string;
  lines: Header[];
  /** The parsed elements (methods as written; header names compared case-insensitively), or `invalid`. */
  parsed: string[] | 'invalid';
}

export function allowMethodsVariants(): AllowListVariant[] {
  const list = (slug: string, values: string[], parsed: string[] | 'invalid'): AllowListVariant => ({
    slug,
    lines: values.map((value) => [ACAM, value] as Header),
    parsed,
  });
  return [
    list('acam-absent', [], []),
    list('acam-put', ['PUT'], ['PUT']),
    list('acam-put-lower-case', ['put'], ['put']),
    list('acam-put-delete', ['PUT, DELETE'], ['PUT', 'DELETE']),
    list('acam-get-post', ['GET, POST'], ['GET', 'POST']),
    list('acam-wildcard', ['*'], ['*']),
    list('acam-wildcard-and-put', ['*, PUT'], ['*', 'PUT']),
    list('acam-patch', ['PATCH'], ['PATCH']),
    list('acam-patch-lower-case', ['patch'], ['patch']),
    list('acam-padded', ['  PUT ,  DELETE  '], ['PUT', 'DELETE']),
    list('acam-empty-elements', ['PUT,,DELETE'], ['PUT', 'DELETE']),
    list('acam-stray-commas', [', PUT ,'], ['PUT']),
    list('acam-semicolon', ['PUT;'], 'invalid'),
    list('acam-space-separated', ['PUT DELETE'], 'invalid'),
    list('acam-quoted', ['"PUT"'], 'invalid'),
    list('acam-duplicated-lines', ['GET', 'PUT'], ['GET', 'PUT']),
    list('acam-empty', [''], []),
    list('acam-custom-methods', ['FOO, PATCH, DELETE'], ['FOO', 'PATCH', 'DELETE']),
  ];
}

export function allowHeadersVariants(): AllowListVariant[] {
  const list = (slug: string, values: string[], parsed: string[] | 'invalid'): AllowListVariant => ({
    slug,
    lines: values.map((value) => [ACAH, value] as Header),
    parsed,
  });
  return [
    list('acah-absent', [], []),
    list('acah-exact', ['X-Custom'], ['x-custom']),
    list('acah-lower-case', ['x-custom'], ['x-custom']),
    list('acah-upper-case', ['X-CUSTOM'], ['x-custom']),
    list('acah-wildcard', ['*'], ['*']),
    list('acah-other-header', ['X-Other'], ['x-other']),
    list('acah-list', ['X-Other, X-Custom'], ['x-other', 'x-custom']),
    list('acah-duplicated-lines', ['X-Other', 'X-Custom'], ['x-other', 'x-custom']),
    list('acah-semicolon', ['X-Custom;'], 'invalid'),
    list('acah-space-inside', ['X Custom'], 'invalid'),
    list('acah-stray-commas', [', X-Custom ,'], ['x-custom']),
    list('acah-empty', [''], []),
    list('acah-authorization', ['Authorization'], ['authorization']),
    list('acah-wildcard-and-authorization', ['*, Authorization'], ['*', 'authorization']),
    list('acah-content-type', ['Content-Type'], ['content-type']),
    list('acah-all-named', ['X-Custom, Content-Type, Authorization'], ['x-custom', 'content-type', 'authorization']),
  ];
}

export function findVariant<T extends { slug: string }>(variants: readonly T[], slug: string): T {
  const variant = variants.find((v) => v.slug === slug);
  if (!variant) throw new Error(`No variant ${slug}`);
  return variant;
}

/** Method check of a preflight result: case-sensitive, `*` only without credentials. */
export function methodAllowed(allowMethods: string[], method: string, includeCredentials: boolean): boolean {
  if (SAFELISTED_METHODS.includes(method)) return true;
  if (allowMethods.includes(method)) return true;
  return !includeCredentials && allowMethods.includes('*');
}

/**
 * Whether `Access-Control-Allow-Headers: *` covers `Authorization`. The spec says no; Chromium
 * enforces that only with NonWildcardRequestHeadersSupport, which is off in Chromium 156 (observed:
 * `Authorization` under `*` passes). The corpus keeps scenarios on both sides of it.
 */
export const WILDCARD_COVERS_AUTHORIZATION = true;

export function headerAllowed(allowHeaders: string[], name: string, includeCredentials: boolean): boolean {
  const lowerCase = name.toLowerCase();
  if (allowHeaders.includes(lowerCase)) return true;
  if (includeCredentials || !allowHeaders.includes('*')) return false;
  return lowerCase !== 'authorization' || WILDCARD_COVERS_AUTHORIZATION;
}

export const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'];

/**
 * Node's HTTP parser accepts only upper-case method names: the lab answers any other (`patch`)
 * with a bare 400 from its clientError handler, without CORS headers.
 */
export function labAcceptsMethod(method: string): boolean {
  return method === method.toUpperCase();
}

/** fetch() and XHR upper-case these six method names and leave every other name as written. */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(upper) ? upper : method;
}
