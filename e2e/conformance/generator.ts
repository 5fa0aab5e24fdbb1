/**
 * The conformance corpus generator: systematic combinations of the request side (method, headers,
 * credentials, mode, fetch/XHR, other CORS-mode destinations) and the server side (Access-Control-*
 * headers, preflight status, redirects, Max-Age, dropped connections), pruned to the combinations
 * that exercise a distinct path through Chromium's checks. Deterministic for a seed: the same seed
 * gives the same scenarios, ids and URLs (given the same lab origins).
 *
 * Every scenario states the verdict it is designed to get from Chromium; the suite checks that
 * against Chromium first, which validates the generator itself.
 */
import type { ResponseSpec } from '../../lab/server';
import { seededRandom, type Random } from './random';
import {
  callerRequest,
  CREDENTIALED_CALLERS,
  includesCredentials,
  needsPreflight,
  preflightedShapes,
  safeShapes,
  UNCREDENTIALED_CALLERS,
  type Caller,
  type RequestShape,
} from './request-shapes';
import {
  corsError,
  networkError,
  pass,
  type CrossOriginAttribute,
  type Expectation,
  type Header,
  type PageRequest,
  type RouteSpec,
  type Scenario,
  type ScenarioContext,
  type ScenarioStep,
} from './scenario';
import {
  ACAC,
  ACAC_ABSENT,
  ACAC_TRUE,
  ACAH,
  ACAM,
  ACAO,
  ACMA,
  allowCredentialsVariants,
  allowHeadersVariants,
  allowMethodsVariants,
  allowOriginVariant,
  allowOriginVariants,
  expectAccess,
  findVariant,
  headerAllowed,
  labAcceptsMethod,
  methodAllowed,
  normalizeMethod,
  type AllowCredentialsVariant,
  type AllowListVariant,
  type AllowOriginVariant,
  type Failure,
} from './server-shapes';

export const DEFAULT_SEED = 0xc0125;

/** The lab's placeholder for "the Origin this request carried". */
const ECHO: Header = [ACAO, '{origin}'];

interface PreflightAnswer {
  allowOrigin: AllowOriginVariant;
  allowCredentials: AllowCredentialsVariant;
  status: number;
  allowMethods: AllowListVariant;
  allowHeaders: AllowListVariant;
  maxAge?: string;
}

interface ActualAnswer {
  allowOrigin: AllowOriginVariant;
  allowCredentials: AllowCredentialsVariant;
  status: number;
}

function bodyFor(status: number): ResponseSpec['body'] {
  return status === 204 || status === 304 ? undefined : 'json';
}

function preflightSpec(answer: PreflightAnswer): ResponseSpec {
  return {
    status: answer.status,
    headers: [
      ...answer.allowOrigin.lines,
      ...answer.allowCredentials.lines,
      ...answer.allowMethods.lines,
      ...answer.allowHeaders.lines,
      ...(answer.maxAge === undefined ? [] : ([[ACMA, answer.maxAge]] as Header[])),
    ],
    body: bodyFor(answer.status),
  };
}

function responseSpec(answer: ActualAnswer): ResponseSpec {
  return { status: answer.status, headers: [...answer.allowOrigin.lines, ...answer.allowCredentials.lines], body: bodyFor(answer.status) };
}

/** Chromium's preflight pipeline after the redirect and network checks (docs/chromium-behaviour.md). */
function expectPreflight(answer: PreflightAnswer, requestShape: RequestShape, includeCredentials: boolean, origin: string): Failure | null {
  const access = expectAccess(answer.allowOrigin, answer.allowCredentials, origin, includeCredentials, true);
  if (access) return access;
  if (answer.status < 200 || answer.status > 299) return { rule: 'PreflightInvalidStatus', failedParameter: '' };
  if (answer.allowMethods.parsed === 'invalid') return { rule: 'InvalidAllowMethodsPreflightResponse', failedParameter: '' };
  if (answer.allowHeaders.parsed === 'invalid') return { rule: 'InvalidAllowHeadersPreflightResponse', failedParameter: '' };
  const method = normalizeMethod(requestShape.method);
  if (!methodAllowed(answer.allowMethods.parsed, method, includeCredentials)) {
    return { rule: 'MethodDisallowedByPreflightResponse', failedParameter: method };
  }
  for (const name of requestShape.unsafeHeaders) {
    if (!headerAllowed(answer.allowHeaders.parsed, name, includeCredentials)) {
      return { rule: 'HeaderDisallowedByPreflightResponse', failedParameter: name };
    }
  }
  return null;
}

function toExpectation(failure: Failure | null): Expectation {
  return failure ? corsError(failure.rule, failure.failedParameter) : pass();
}

/**
 * A request whose actual response allows it (the page's origin, credentials): only the preflight
 * can fail it, or the lab refusing a method name it cannot parse.
 */
function expectPreflightedExchange(answer: PreflightAnswer, requestShape: RequestShape, includeCredentials: boolean, origin: string): Expectation {
  const failure = expectPreflight(answer, requestShape, includeCredentials, origin);
  if (failure) return toExpectation(failure);
  if (!labAcceptsMethod(normalizeMethod(requestShape.method))) return corsError('MissingAllowOriginHeader');
  return pass();
}

/** A preflight answer that allows exactly what the request needs. */
function permissivePreflight(requestShape: RequestShape, allowOrigin: AllowOriginVariant, maxAge?: string): PreflightAnswer {
  const method = normalizeMethod(requestShape.method);
  const methods = ['GET', 'HEAD', 'POST'].includes(method) ? [] : [method];
  return {
    allowOrigin,
    allowCredentials: ACAC_TRUE,
    status: 204,
    allowMethods: { slug: 'acam-needed', lines: methods.length ? [[ACAM, methods.join(', ')]] : [], parsed: methods },
    allowHeaders: {
      slug: 'acah-needed',
      lines: requestShape.unsafeHeaders.length ? [[ACAH, requestShape.unsafeHeaders.join(', ')]] : [],
      parsed: requestShape.unsafeHeaders,
    },
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

const NO_LIST: AllowListVariant = { slug: 'none', lines: [], parsed: [] };

class CorpusBuilder {
  readonly scenarios: Scenario[] = [];
  private readonly counters = new Map<string, number>();
  constructor(readonly ctx: ScenarioContext) {}

  get page(): string {
    return this.ctx.origins.page;
  }

  /** A fresh scenario id for `family`; `slug` says what it combines. */
  id(family: string, slug: string): string {
    const next = (this.counters.get(family) ?? 0) + 1;
    this.counters.set(family, next);
    return `${family}/${String(next).padStart(3, '0')}-${slug}`;
  }

  /** The tag that makes a scenario's URLs unique: its id, path-safe. */
  tag(id: string, hop = 0): string {
    return hop === 0 ? id.replaceAll('/', '.') : `${id.replaceAll('/', '.')}.hop${hop}`;
  }

  route(origin: string, spec: RouteSpec, id: string, hop = 0): string {
    return this.ctx.routeUrl(origin, spec, this.tag(id, hop));
  }

  add(id: string, family: string, title: string, steps: ScenarioStep[], serial = false): void {
    const url = steps[0]!.request.url;
    if (steps.some((step) => step.request.url !== url)) throw new Error(`${id}: every step must request the same URL`);
    this.scenarios.push({ id, family, title, steps, url, ...(serial ? { serial } : {}) });
  }

  /** One request, one expectation. */
  single(family: string, slug: string, title: string, build: (id: string) => { request: PageRequest; expected: Expectation }, serial = false): void {
    const id = this.id(family, slug);
    const step = build(id);
    this.add(id, family, title, [step], serial);
  }
}

const RESPONSE_STATUSES = [200, 200, 200, 201, 204, 404, 500, 503];
const SIMPLE_SHAPE_SLUGS = ['get', 'head', 'post-text-plain', 'accept-json', 'range-closed', 'post-form-urlencoded'];

function simpleShapes(): RequestShape[] {
  return safeShapes().filter((s) => SIMPLE_SHAPE_SLUGS.includes(s.slug));
}

function callerLabel(caller: Caller): string {
  return caller;
}

/** Access-Control-Allow-Origin/-Credentials on the actual response of a request that needs no preflight. */
function simpleResponseFamily(b: CorpusBuilder, random: Random): void {
  const family = 'response-access';
  const shapes = simpleShapes();
  const credentials = allowCredentialsVariants();
  for (const allowOrigin of allowOriginVariants(b.page)) {
    for (const callers of [UNCREDENTIALED_CALLERS, CREDENTIALED_CALLERS]) {
      const caller = random.pick(callers);
      const requestShape = random.pick(shapes);
      const include = includesCredentials(caller);
      const passesOrigin = expectAccess(allowOrigin, ACAC_TRUE, b.page, include) === null;
      const allowCredentials = include && passesOrigin ? ACAC_TRUE : random.pick(credentials);
      const status = random.pick(RESPONSE_STATUSES);
      b.single(
        family,
        `${allowOrigin.slug}-${caller}`,
        `${requestShape.method} by ${callerLabel(caller)}; response ${status} with ${allowOrigin.slug}, ${allowCredentials.slug}`,
        (id) => ({
          request: callerRequest(caller, b.route(b.ctx.origins.api, { response: responseSpec({ allowOrigin, allowCredentials, status }) }, id), requestShape),
          expected: toExpectation(expectAccess(allowOrigin, allowCredentials, b.page, include)),
        }),
      );
    }
  }
  for (const originSlug of ['acao-echo', 'acao-upper-case-name', 'acao-wildcard']) {
    const allowOrigin = allowOriginVariant(b.page, originSlug);
    const variants = originSlug === 'acao-wildcard' ? random.sample(credentials, 3) : credentials;
    for (const allowCredentials of variants) {
      const caller = random.pick(CREDENTIALED_CALLERS);
      const requestShape = random.pick(shapes);
      b.single(
        family,
        `${originSlug}-${allowCredentials.slug}-${caller}`,
        `${requestShape.method} by ${caller}; ${originSlug}, ${allowCredentials.slug}`,
        (id) => ({
          request: callerRequest(
            caller,
            b.route(b.ctx.origins.api, { response: responseSpec({ allowOrigin, allowCredentials, status: 200 }) }, id),
            requestShape,
          ),
          expected: toExpectation(expectAccess(allowOrigin, allowCredentials, b.page, true)),
        }),
      );
    }
  }
}

/**
 * Which requests need a preflight: safe requests go to a URL whose preflight would fail (so a
 * preflight would show); unsafe ones meet a strict preflight (allows nothing extra) and a
 * permissive one (allows exactly what they need).
 */
function preflightTriggerFamily(b: CorpusBuilder, random: Random): void {
  const family = 'preflight-trigger';
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const okResponse: ResponseSpec = responseSpec({ allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200 });
  for (const requestShape of safeShapes()) {
    const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
    b.single(family, `${requestShape.slug}-no-preflight`, `${requestShape.slug} by ${caller} needs no preflight (a preflight would fail)`, (id) => ({
      request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: { status: 500, body: 'text' }, response: okResponse }, id), requestShape),
      expected: pass(),
    }));
  }
  for (const requestShape of preflightedShapes()) {
    if (!needsPreflight(requestShape)) throw new Error(`${requestShape.slug} is listed as preflighted but needs none`);
    for (const strictness of ['strict', 'permissive'] as const) {
      const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
      const include = includesCredentials(caller);
      const answer: PreflightAnswer =
        strictness === 'strict'
          ? { allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 204, allowMethods: NO_LIST, allowHeaders: NO_LIST }
          : permissivePreflight(requestShape, echo);
      b.single(family, `${requestShape.slug}-${strictness}`, `${requestShape.slug} by ${caller} against a ${strictness} preflight answer`, (id) => ({
        request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
        expected: expectPreflightedExchange(answer, requestShape, include, b.page),
      }));
    }
  }
}

const PREFLIGHT_STATUSES = [200, 201, 204, 206, 299, 300, 400, 401, 403, 404, 405, 418, 500, 502, 503];
const PREFLIGHTED_FOR_ANSWERS = ['put', 'delete', 'custom-header', 'content-type-json', 'patch', 'authorization'];

/** The preflight answer's Access-Control-Allow-Origin/-Credentials, status and redirects. */
function preflightAnswerFamily(b: CorpusBuilder, random: Random): void {
  const family = 'preflight-answer';
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const okResponse = responseSpec({ allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200 });
  const shapes = preflightedShapes().filter((s) => PREFLIGHTED_FOR_ANSWERS.includes(s.slug));
  for (const allowOrigin of allowOriginVariants(b.page)) {
    for (const callers of [UNCREDENTIALED_CALLERS, CREDENTIALED_CALLERS]) {
      const caller = random.pick(callers);
      const include = includesCredentials(caller);
      const requestShape = random.pick(shapes);
      const answer = { ...permissivePreflight(requestShape, allowOrigin) };
      b.single(family, `${allowOrigin.slug}-${caller}`, `${requestShape.slug} by ${caller}; preflight with ${allowOrigin.slug}`, (id) => ({
        request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
        expected: expectPreflightedExchange(answer, requestShape, include, b.page),
      }));
    }
  }
  for (const allowCredentials of allowCredentialsVariants()) {
    const caller = random.pick(CREDENTIALED_CALLERS);
    const requestShape = random.pick(shapes);
    const answer = { ...permissivePreflight(requestShape, echo), allowCredentials };
    b.single(family, `${allowCredentials.slug}-${caller}`, `${requestShape.slug} by ${caller}; preflight with ${allowCredentials.slug}`, (id) => ({
      request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
      expected: expectPreflightedExchange(answer, requestShape, true, b.page),
    }));
  }
  const failingOrigins = ['acao-absent', 'acao-trailing-slash', 'acao-wildcard', 'acao-duplicated-echo', 'acao-bare-host'];
  for (const status of PREFLIGHT_STATUSES) {
    for (const originSlug of ['acao-echo', random.pick(failingOrigins)]) {
      const allowOrigin = allowOriginVariant(b.page, originSlug);
      const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
      const requestShape = random.pick(shapes);
      const answer = { ...permissivePreflight(requestShape, allowOrigin), status };
      b.single(family, `status-${status}-${originSlug}`, `${requestShape.slug} by ${caller}; preflight ${status} with ${originSlug}`, (id) => ({
        request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
        expected: expectPreflightedExchange(answer, requestShape, includesCredentials(caller), b.page),
      }));
    }
  }
  for (const status of [301, 302, 303, 307, 308]) {
    for (const hopOrigin of [[ECHO, [ACAC, 'true']] as Header[], [] as Header[]]) {
      const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
      const requestShape = random.pick(shapes);
      const slug = `redirect-${status}-${hopOrigin.length ? 'with-cors' : 'without-cors'}`;
      b.single(
        family,
        slug,
        `${requestShape.slug} by ${caller}; preflight answered ${status} (${hopOrigin.length ? 'with' : 'without'} CORS headers)`,
        (id) => {
          const target = b.route(b.ctx.origins.api, { preflight: preflightSpec(permissivePreflight(requestShape, echo)), response: okResponse }, id, 1);
          return {
            request: callerRequest(
              caller,
              b.route(b.ctx.origins.api, { preflight: { headers: hopOrigin, redirect: { to: target, status } }, response: okResponse }, id),
              requestShape,
            ),
            expected: corsError('PreflightDisallowedRedirect'),
          };
        },
      );
    }
  }
}

const METHODS_FOR_ALLOW_METHODS = ['PUT', 'DELETE', 'PATCH', 'patch', 'PROPFIND'];

/** Access-Control-Allow-Methods: parsing, case, wildcard with and without credentials. */
function allowMethodsFamily(b: CorpusBuilder, random: Random): void {
  const family = 'allow-methods';
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const okResponse = responseSpec({ allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200 });
  for (const allowMethods of allowMethodsVariants()) {
    const methods = allowMethods.parsed === 'invalid' ? random.sample(METHODS_FOR_ALLOW_METHODS, 2) : METHODS_FOR_ALLOW_METHODS;
    for (const method of methods) {
      const callerGroups =
        allowMethods.parsed !== 'invalid' && allowMethods.parsed.includes('*')
          ? [UNCREDENTIALED_CALLERS, CREDENTIALED_CALLERS]
          : [random.pick([UNCREDENTIALED_CALLERS, CREDENTIALED_CALLERS])];
      for (const callers of callerGroups) {
        const caller = random.pick(callers);
        const requestShape: RequestShape = { slug: method, method, headers: [], unsafeHeaders: [] };
        const answer: PreflightAnswer = { allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200, allowMethods, allowHeaders: NO_LIST };
        b.single(family, `${allowMethods.slug}-${method}-${caller}`, `${method} by ${caller}; ${allowMethods.slug}`, (id) => ({
          request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
          expected: expectPreflightedExchange(answer, requestShape, includesCredentials(caller), b.page),
        }));
      }
    }
  }
}

const HEADER_SETS: RequestShape[] = [
  { slug: 'x-custom', method: 'GET', headers: [['X-Custom', '1']], unsafeHeaders: ['x-custom'] },
  { slug: 'authorization', method: 'GET', headers: [['Authorization', 'Bearer lab-token']], unsafeHeaders: ['authorization'] },
  {
    slug: 'x-custom-and-authorization',
    method: 'GET',
    headers: [
      ['X-Custom', '1'],
      ['Authorization', 'Bearer lab-token'],
    ],
    unsafeHeaders: ['x-custom', 'authorization'],
  },
  { slug: 'json', method: 'POST', headers: [['Content-Type', 'application/json']], unsafeHeaders: ['content-type'] },
  {
    slug: 'json-and-x-custom',
    method: 'POST',
    headers: [
      ['X-Custom', '1'],
      ['Content-Type', 'application/json'],
    ],
    unsafeHeaders: ['x-custom', 'content-type'],
  },
];

/** Access-Control-Allow-Headers: parsing, case, wildcard, Authorization, and which check wins. */
function allowHeadersFamily(b: CorpusBuilder, random: Random): void {
  const family = 'allow-headers';
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const okResponse = responseSpec({ allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200 });
  for (const allowHeaders of allowHeadersVariants()) {
    const headerSets = allowHeaders.parsed === 'invalid' ? random.sample(HEADER_SETS, 2) : HEADER_SETS;
    for (const requestShape of headerSets) {
      const callerGroups =
        allowHeaders.parsed !== 'invalid' && allowHeaders.parsed.includes('*')
          ? [UNCREDENTIALED_CALLERS, CREDENTIALED_CALLERS]
          : [random.pick([UNCREDENTIALED_CALLERS, CREDENTIALED_CALLERS])];
      for (const callers of callerGroups) {
        const caller = random.pick(callers);
        const answer: PreflightAnswer = { allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200, allowMethods: NO_LIST, allowHeaders };
        b.single(family, `${allowHeaders.slug}-${requestShape.slug}-${caller}`, `${requestShape.slug} by ${caller}; ${allowHeaders.slug}`, (id) => ({
          request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
          expected: expectPreflightedExchange(answer, requestShape, includesCredentials(caller), b.page),
        }));
      }
    }
  }
  const methodsVariants = allowMethodsVariants();
  const headersVariants = allowHeadersVariants();
  const precedence: Array<{ slug: string; method: string; methods: string; headers: string }> = [
    { slug: 'both-unparsable', method: 'PUT', methods: 'acam-semicolon', headers: 'acah-semicolon' },
    { slug: 'headers-unparsable-method-disallowed', method: 'DELETE', methods: 'acam-put', headers: 'acah-space-inside' },
    { slug: 'method-and-header-disallowed', method: 'DELETE', methods: 'acam-put', headers: 'acah-other-header' },
    { slug: 'method-allowed-header-disallowed', method: 'PUT', methods: 'acam-put', headers: 'acah-other-header' },
    { slug: 'method-and-header-allowed', method: 'PUT', methods: 'acam-put-delete', headers: 'acah-exact' },
  ];
  for (const combination of precedence) {
    const caller = random.pick(UNCREDENTIALED_CALLERS);
    const requestShape: RequestShape = { slug: combination.slug, method: combination.method, headers: [['X-Custom', '1']], unsafeHeaders: ['x-custom'] };
    const answer: PreflightAnswer = {
      allowOrigin: echo,
      allowCredentials: ACAC_TRUE,
      status: 200,
      allowMethods: findVariant(methodsVariants, combination.methods),
      allowHeaders: findVariant(headersVariants, combination.headers),
    };
    b.single(family, combination.slug, `${combination.method} + X-Custom by ${caller}; ${combination.methods}, ${combination.headers}`, (id) => ({
      request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: preflightSpec(answer), response: okResponse }, id), requestShape),
      expected: expectPreflightedExchange(answer, requestShape, false, b.page),
    }));
  }
}

interface Hop {
  origin: 'api' | 'api2' | 'page';
  /** CORS headers on this hop's response (a redirect for every hop but the last). */
  allowOrigin: AllowOriginVariant;
  allowCredentials: AllowCredentialsVariant;
  status: number;
  /** Userinfo to put in the Location that points at the next hop, e.g. `user:secret@`. */
  locationUserinfo?: string;
}

/** Origins of a redirect chain as Chromium sees them: the Origin each response is checked against. */
function expectRedirectChain(hops: Hop[], origins: ScenarioContext['origins'], include: boolean): Expectation {
  const page = origins.page;
  let requestOrigin = page;
  for (let index = 0; index < hops.length; index++) {
    const hop = hops[index]!;
    const access = expectAccess(hop.allowOrigin, hop.allowCredentials, requestOrigin, include);
    if (access) return corsError(access.rule, access.failedParameter);
    const next = hops[index + 1];
    if (!next) return pass();
    if (hop.locationUserinfo) return corsError('RedirectContainsCredentials');
    const currentOrigin = origins[hop.origin];
    const nextOrigin = origins[next.origin];
    // Tainted once a hop goes cross-origin from a URL that is itself cross-origin to the page.
    if (nextOrigin !== currentOrigin && currentOrigin !== page) requestOrigin = 'null';
  }
  return pass();
}

function hopUrl(b: CorpusBuilder, id: string, hops: Hop[], index: number, final: ResponseSpec['body'] = 'json'): string {
  const hop = hops[index]!;
  const origin = b.ctx.origins[hop.origin];
  const headers = [...hop.allowOrigin.lines, ...hop.allowCredentials.lines];
  if (index === hops.length - 1) {
    return b.route(origin, { response: { status: hop.status, headers, body: final } }, id, index);
  }
  let target = hopUrl(b, id, hops, index + 1, final);
  if (hop.locationUserinfo) target = target.replace('://', `://${hop.locationUserinfo}`);
  return b.route(origin, { response: { headers, redirect: { to: target, status: hop.status } } }, id, index);
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/** Redirect chains: same-origin and cross-origin hops, CORS headers on the hop or not, taint, credentials in Location. */
function redirectFamily(b: CorpusBuilder, random: Random): void {
  const family = 'redirect';
  const origins = b.ctx.origins;
  const variant = (slug: string) => allowOriginVariant(b.page, slug);
  const chains: Array<{ slug: string; path: Array<Hop['origin']> }> = [
    { slug: 'same-origin', path: ['api', 'api'] },
    { slug: 'cross-origin', path: ['api', 'api2'] },
    { slug: 'to-page-origin', path: ['api', 'page'] },
    { slug: 'three-hops', path: ['api', 'api2', 'api'] },
    { slug: 'same-then-cross', path: ['api', 'api', 'api2'] },
  ];
  const hopOrigins = ['acao-echo', 'acao-absent', 'acao-wildcard', 'acao-page-literal'];
  const finalOrigins = ['acao-echo', 'acao-absent', 'acao-wildcard', 'acao-null', 'acao-page-literal'];
  for (const chain of chains) {
    for (const hopSlug of hopOrigins) {
      for (const finalSlug of random.sample(finalOrigins, chain.slug === 'same-origin' || chain.slug === 'cross-origin' ? 5 : 2)) {
        const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
        const include = includesCredentials(caller);
        const hops: Hop[] = chain.path.map((origin, index) => ({
          origin,
          allowOrigin: variant(index === chain.path.length - 1 ? finalSlug : hopSlug),
          allowCredentials: ACAC_TRUE,
          status: index === chain.path.length - 1 ? 200 : random.pick(REDIRECT_STATUSES),
        }));
        const requestShape = random.pick(simpleShapes().filter((s) => s.method === 'GET'));
        b.single(
          family,
          `${chain.slug}-hop-${hopSlug}-final-${finalSlug}`,
          `GET by ${caller}: ${chain.path.join(' → ')}, hops ${hopSlug}, final ${finalSlug}`,
          (id) => ({
            request: callerRequest(caller, hopUrl(b, id, hops, 0), requestShape),
            expected: expectRedirectChain(hops, origins, include),
          }),
        );
      }
    }
  }
  const userinfos = ['lab:secret@', 'lab@', ':secret@'];
  for (const target of ['api', 'api2'] as const) {
    for (const userinfo of userinfos) {
      for (const hopSlug of ['acao-echo', random.pick(['acao-absent', 'acao-trailing-slash'])]) {
        const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
        const hops: Hop[] = [
          { origin: 'api', allowOrigin: variant(hopSlug), allowCredentials: ACAC_TRUE, status: random.pick(REDIRECT_STATUSES), locationUserinfo: userinfo },
          { origin: target, allowOrigin: variant('acao-wildcard'), allowCredentials: ACAC_ABSENT, status: 200 },
        ];
        b.single(
          family,
          `credentials-in-location-${target}-${userinfo.replace(/[:@]/g, '')}-${hopSlug}`,
          `GET by ${caller}: redirect to ${userinfo}${target}, hop ${hopSlug}`,
          (id) => ({
            request: callerRequest(caller, hopUrl(b, id, hops, 0), { method: 'GET', headers: [] }),
            expected: expectRedirectChain(hops, origins, includesCredentials(caller)),
          }),
        );
      }
    }
  }
  redirectedPreflightedRequests(b, random);
  redirectEdges(b, random);
}

/** A preflighted request whose actual response redirects: the next URL needs its own preflight. */
function redirectedPreflightedRequests(b: CorpusBuilder, random: Random): void {
  const family = 'redirect';
  const put: RequestShape = { slug: 'put', method: 'PUT', headers: [], unsafeHeaders: [] };
  const custom: RequestShape = { slug: 'custom-header', method: 'GET', headers: [['X-Custom', '1']], unsafeHeaders: ['x-custom'] };
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const cases: Array<{ slug: string; target: 'api' | 'api2'; targetPreflightOrigin: string; targetOrigin: string; status: number }> = [
    { slug: 'same-origin-preflight-ok', target: 'api', targetPreflightOrigin: 'acao-echo', targetOrigin: 'acao-echo', status: 307 },
    { slug: 'same-origin-preflight-missing-origin', target: 'api', targetPreflightOrigin: 'acao-absent', targetOrigin: 'acao-echo', status: 307 },
    { slug: 'same-origin-response-missing-origin', target: 'api', targetPreflightOrigin: 'acao-echo', targetOrigin: 'acao-absent', status: 308 },
    { slug: 'cross-origin-preflight-echo', target: 'api2', targetPreflightOrigin: 'acao-echo', targetOrigin: 'acao-echo', status: 307 },
    { slug: 'cross-origin-preflight-page', target: 'api2', targetPreflightOrigin: 'acao-page-literal', targetOrigin: 'acao-echo', status: 307 },
    { slug: 'cross-origin-preflight-wildcard', target: 'api2', targetPreflightOrigin: 'acao-wildcard', targetOrigin: 'acao-wildcard', status: 308 },
    { slug: 'cross-origin-response-page', target: 'api2', targetPreflightOrigin: 'acao-echo', targetOrigin: 'acao-page-literal', status: 307 },
  ];
  for (const item of cases) {
    for (const requestShape of [put, custom]) {
      const caller = random.pick(UNCREDENTIALED_CALLERS);
      b.single(
        family,
        `preflighted-${requestShape.slug}-${item.slug}`,
        `${requestShape.slug} by ${caller}, preflight ok, actual answered ${item.status} to ${item.target}`,
        (id) => {
          const targetPreflight = permissivePreflight(requestShape, allowOriginVariant(b.page, item.targetPreflightOrigin));
          const targetAnswer = { allowOrigin: allowOriginVariant(b.page, item.targetOrigin), allowCredentials: ACAC_ABSENT, status: 200 };
          const targetUrl = b.route(b.ctx.origins[item.target], { preflight: preflightSpec(targetPreflight), response: responseSpec(targetAnswer) }, id, 1);
          const firstUrl = b.route(
            b.ctx.origins.api,
            {
              preflight: preflightSpec(permissivePreflight(requestShape, echo)),
              response: { headers: [ECHO], redirect: { to: targetUrl, status: item.status } },
            },
            id,
          );
          const origin = item.target === 'api' ? b.page : 'null';
          const preflightFailure = expectPreflight(targetPreflight, requestShape, false, origin);
          return {
            request: callerRequest(caller, firstUrl, requestShape),
            expected: toExpectation(preflightFailure ?? expectAccess(targetAnswer.allowOrigin, targetAnswer.allowCredentials, origin, false)),
          };
        },
        true,
      );
    }
  }
}

/** Redirect modes, redirects to a non-HTTP scheme, to a closed port, and a redirect loop. */
function redirectEdges(b: CorpusBuilder, random: Random): void {
  const family = 'redirect';
  const echoOk = responseSpec({ allowOrigin: allowOriginVariant(b.page, 'acao-echo'), allowCredentials: ACAC_TRUE, status: 200 });
  const manual = (slug: string, hopHeaders: Header[], expected: Expectation) =>
    b.single(family, `redirect-mode-manual-${slug}`, `fetch redirect: 'manual', hop ${slug}`, (id) => {
      const target = b.route(b.ctx.origins.api, { response: echoOk }, id, 1);
      return {
        request: callerRequest(
          'fetch-omit',
          b.route(b.ctx.origins.api, { response: { headers: hopHeaders, redirect: { to: target, status: 302 } } }, id),
          { method: 'GET', headers: [] },
          { redirect: 'manual' },
        ),
        expected,
      };
    });
  manual('with-cors', [ECHO], pass());
  manual('without-cors', [], corsError('MissingAllowOriginHeader'));
  b.single(family, 'redirect-mode-error', "fetch redirect: 'error' meets a redirect", (id) => {
    const target = b.route(b.ctx.origins.api, { response: echoOk }, id, 1);
    return {
      request: callerRequest(
        'fetch-omit',
        b.route(b.ctx.origins.api, { response: { headers: [ECHO], redirect: { to: target, status: 302 } } }, id),
        { method: 'GET', headers: [] },
        { redirect: 'error' },
      ),
      expected: networkError(),
    };
  });
  for (const requestShape of [
    { method: 'GET', headers: [] as Header[], slug: 'get' },
    { method: 'PUT', headers: [] as Header[], slug: 'put' },
  ]) {
    b.single(family, `to-data-url-${requestShape.slug}`, `${requestShape.method} redirected to a data: URL`, (id) => {
      const preflight = preflightSpec(permissivePreflight({ ...requestShape, unsafeHeaders: [] }, allowOriginVariant(b.page, 'acao-echo')));
      return {
        request: callerRequest(
          random.pick(UNCREDENTIALED_CALLERS),
          b.route(b.ctx.origins.api, { preflight, response: { headers: [ECHO], redirect: { to: 'data:,lab', status: 302 } } }, id),
          requestShape,
        ),
        // net::ERR_UNSAFE_REDIRECT in Chromium 156, with or without a preflight: never CorsDisabledScheme.
        expected: networkError(),
      };
    });
  }
  b.single(family, 'to-refused-port', 'GET redirected to a port where nothing listens', (id) => ({
    request: callerRequest(
      random.pick(UNCREDENTIALED_CALLERS),
      b.route(b.ctx.origins.api, { response: { headers: [ECHO], redirect: { to: `${b.ctx.refusedOrigin}/${b.tag(id)}`, status: 302 } } }, id),
      { method: 'GET', headers: [] },
    ),
    expected: networkError(),
  }));
  b.single(family, 'loop', 'GET into a redirect loop (more than 20 redirects)', (id) => {
    const loopPath = `/conformance/${b.tag(id)}`;
    const url = b.ctx.routeAt('api', loopPath, { response: { headers: [ECHO], redirect: { to: `{api}${loopPath}?again`, status: 302 } } });
    return { request: callerRequest(random.pick(UNCREDENTIALED_CALLERS), url, { method: 'GET', headers: [] }), expected: networkError() };
  });
}

type Destination =
  | { kind: 'font' }
  | { kind: 'image'; crossOrigin: CrossOriginAttribute | null }
  | { kind: 'script'; module: boolean; crossOrigin: CrossOriginAttribute | null }
  | { kind: 'stylesheet'; crossOrigin: CrossOriginAttribute | null };

function destinationRequest(destination: Destination, url: string): PageRequest {
  return { ...destination, url } as PageRequest;
}

function destinationSlug(destination: Destination): string {
  switch (destination.kind) {
    case 'font':
      return 'font';
    case 'script':
      return `${destination.module ? 'module' : 'classic'}-script-${destination.crossOrigin ?? 'no-attribute'}`;
    default:
      return `${destination.kind}-${destination.crossOrigin ?? 'no-attribute'}`;
  }
}

function destinationBody(destination: Destination): ResponseSpec['body'] {
  switch (destination.kind) {
    case 'font':
      return 'font';
    case 'image':
      return 'image';
    case 'script':
      return 'module';
    case 'stylesheet':
      return 'css';
  }
}

/** Whether the destination is fetched in CORS mode, and with credentials. */
function destinationMode(destination: Destination): { cors: boolean; include: boolean } {
  if (destination.kind === 'font') return { cors: true, include: false };
  if (destination.kind === 'script' && destination.module) return { cors: true, include: destination.crossOrigin === 'use-credentials' };
  return { cors: destination.crossOrigin !== null, include: destination.crossOrigin === 'use-credentials' };
}

/** Fonts, images, module scripts and stylesheets in CORS mode (and their no-cors twins). */
function destinationFamily(b: CorpusBuilder, random: Random): void {
  const family = 'destination';
  const corsDestinations: Destination[] = [
    { kind: 'font' },
    { kind: 'image', crossOrigin: 'anonymous' },
    { kind: 'image', crossOrigin: 'use-credentials' },
    { kind: 'script', module: true, crossOrigin: null },
    { kind: 'script', module: true, crossOrigin: 'use-credentials' },
    { kind: 'stylesheet', crossOrigin: 'anonymous' },
    { kind: 'stylesheet', crossOrigin: 'use-credentials' },
  ];
  const originSlugs = ['acao-absent', 'acao-echo', 'acao-wildcard', 'acao-trailing-slash', 'acao-duplicated-echo', 'acao-bare-host', 'acao-null'];
  for (const destination of corsDestinations) {
    const { include } = destinationMode(destination);
    for (const originSlug of originSlugs) {
      const allowOrigin = allowOriginVariant(b.page, originSlug);
      const allowCredentials = include ? ACAC_TRUE : random.pick(allowCredentialsVariants());
      b.single(family, `${destinationSlug(destination)}-${originSlug}`, `${destinationSlug(destination)}; ${originSlug}, ${allowCredentials.slug}`, (id) => ({
        request: destinationRequest(
          destination,
          b.route(
            b.ctx.origins.api2,
            { response: { status: 200, headers: [...allowOrigin.lines, ...allowCredentials.lines], body: destinationBody(destination) } },
            id,
          ),
        ),
        expected: toExpectation(expectAccess(allowOrigin, allowCredentials, b.page, include)),
      }));
    }
    if (include) {
      const allowCredentials = random.pick(allowCredentialsVariants().filter((v) => !v.accepted));
      const allowOrigin = allowOriginVariant(b.page, 'acao-echo');
      b.single(
        family,
        `${destinationSlug(destination)}-${allowCredentials.slug}`,
        `${destinationSlug(destination)}; acao-echo, ${allowCredentials.slug}`,
        (id) => ({
          request: destinationRequest(
            destination,
            b.route(
              b.ctx.origins.api2,
              { response: { status: 200, headers: [...allowOrigin.lines, ...allowCredentials.lines], body: destinationBody(destination) } },
              id,
            ),
          ),
          expected: toExpectation(expectAccess(allowOrigin, allowCredentials, b.page, true)),
        }),
      );
    }
  }
  const noCorsDestinations: Destination[] = [
    { kind: 'image', crossOrigin: null },
    { kind: 'script', module: false, crossOrigin: null },
    { kind: 'stylesheet', crossOrigin: null },
  ];
  for (const destination of noCorsDestinations) {
    for (const originSlug of ['acao-absent', 'acao-trailing-slash']) {
      b.single(family, `${destinationSlug(destination)}-${originSlug}`, `${destinationSlug(destination)} (no-cors); ${originSlug}`, (id) => ({
        request: destinationRequest(
          destination,
          b.route(
            b.ctx.origins.api2,
            { response: { status: 200, headers: allowOriginVariant(b.page, originSlug).lines, body: destinationBody(destination) } },
            id,
          ),
        ),
        expected: pass(),
      }));
    }
  }
  const redirected: Array<{ destination: Destination; path: Array<Hop['origin']>; hop: string; final: string }> = [
    { destination: { kind: 'font' }, path: ['api2', 'api'], hop: 'acao-wildcard', final: 'acao-wildcard' },
    { destination: { kind: 'font' }, path: ['api2', 'api'], hop: 'acao-absent', final: 'acao-wildcard' },
    { destination: { kind: 'image', crossOrigin: 'anonymous' }, path: ['api2', 'api'], hop: 'acao-echo', final: 'acao-echo' },
    { destination: { kind: 'image', crossOrigin: 'anonymous' }, path: ['api2', 'api'], hop: 'acao-echo', final: 'acao-page-literal' },
    { destination: { kind: 'script', module: true, crossOrigin: null }, path: ['api2', 'api2'], hop: 'acao-absent', final: 'acao-echo' },
    { destination: { kind: 'stylesheet', crossOrigin: 'anonymous' }, path: ['api2', 'api2'], hop: 'acao-echo', final: 'acao-echo' },
  ];
  for (const item of redirected) {
    const { include } = destinationMode(item.destination);
    const hops: Hop[] = item.path.map((origin, index) => ({
      origin,
      allowOrigin: allowOriginVariant(b.page, index === item.path.length - 1 ? item.final : item.hop),
      allowCredentials: ACAC_TRUE,
      status: index === item.path.length - 1 ? 200 : random.pick(REDIRECT_STATUSES),
    }));
    b.single(
      family,
      `${destinationSlug(item.destination)}-redirect-${item.path.join('-')}-${item.hop}-${item.final}`,
      `${destinationSlug(item.destination)} via ${item.path.join(' → ')}, hop ${item.hop}, final ${item.final}`,
      (id) => ({
        request: destinationRequest(item.destination, hopUrl(b, id, hops, 0, destinationBody(item.destination))),
        expected: expectRedirectChain(hops, b.ctx.origins, include),
      }),
    );
  }
}

/** fetch() in no-cors mode never fails on CORS, whatever the server says. */
function noCorsFamily(b: CorpusBuilder, random: Random): void {
  const family = 'no-cors';
  const shapes: Array<Pick<RequestShape, 'slug' | 'method' | 'headers'>> = [
    { slug: 'get', method: 'GET', headers: [] },
    { slug: 'post-text-plain', method: 'POST', headers: [['Content-Type', 'text/plain']] },
    { slug: 'head', method: 'HEAD', headers: [] },
    { slug: 'get-custom-header-dropped', method: 'GET', headers: [['X-Custom', '1']] },
    { slug: 'post-json-content-type-dropped', method: 'POST', headers: [['Content-Type', 'application/json']] },
  ];
  const originSlugs = ['acao-absent', 'acao-trailing-slash', 'acao-duplicated-echo', 'acao-wildcard'];
  for (const requestShape of shapes) {
    for (const originSlug of random.sample(originSlugs, 2)) {
      const caller = random.pick(['fetch-omit', 'fetch-include'] as const);
      b.single(family, `${requestShape.slug}-${originSlug}-${caller}`, `no-cors ${requestShape.slug} by ${caller}; ${originSlug}`, (id) => ({
        request: callerRequest(
          caller,
          b.route(
            b.ctx.origins.api,
            { preflight: { status: 500 }, response: { status: 200, headers: allowOriginVariant(b.page, originSlug).lines, body: 'json' } },
            id,
          ),
          requestShape,
          { mode: 'no-cors' },
        ),
        expected: pass(),
      }));
    }
  }
  b.single(family, 'cross-origin-redirect', 'no-cors GET through a cross-origin redirect without CORS headers', (id) => {
    const target = b.route(b.ctx.origins.api2, { response: { status: 200, body: 'json' } }, id, 1);
    return {
      request: callerRequest(
        'fetch-omit',
        b.route(b.ctx.origins.api, { response: { redirect: { to: target, status: 302 } } }, id),
        { method: 'GET', headers: [] },
        { mode: 'no-cors' },
      ),
      expected: pass(),
    };
  });
}

/** Failures that are not CORS: dropped connections and refused ports, on the preflight or the request. */
function networkFailureFamily(b: CorpusBuilder, random: Random): void {
  const family = 'network';
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const okResponse = responseSpec({ allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200 });
  const put: RequestShape = { slug: 'put', method: 'PUT', headers: [], unsafeHeaders: [] };
  const get: RequestShape = { slug: 'get', method: 'GET', headers: [], unsafeHeaders: [] };
  for (const caller of ['fetch-omit', 'xhr', 'fetch-include'] as const) {
    b.single(family, `response-dropped-${caller}`, `GET by ${caller}; the server closes the connection`, (id) => ({
      request: callerRequest(caller, b.route(b.ctx.origins.api, { response: { drop: true } }, id), get),
      expected: networkError(),
    }));
    b.single(family, `preflight-dropped-${caller}`, `PUT by ${caller}; the server closes the preflight's connection`, (id) => ({
      request: callerRequest(caller, b.route(b.ctx.origins.api, { preflight: { drop: true }, response: okResponse }, id), put),
      expected: networkError(),
    }));
    b.single(family, `actual-dropped-after-preflight-${caller}`, `PUT by ${caller}; preflight ok, then the connection drops`, (id) => ({
      request: callerRequest(
        caller,
        b.route(b.ctx.origins.api, { preflight: preflightSpec(permissivePreflight(put, echo)), response: { drop: true } }, id),
        put,
      ),
      expected: networkError(),
    }));
  }
  for (const requestShape of [get, put]) {
    const caller = random.pick([...UNCREDENTIALED_CALLERS, ...CREDENTIALED_CALLERS]);
    b.single(family, `refused-${requestShape.slug}-${caller}`, `${requestShape.method} by ${caller} to a port where nothing listens`, (id) => ({
      request: callerRequest(caller, `${b.ctx.refusedOrigin}/${b.tag(id)}`, requestShape),
      expected: networkError(),
    }));
  }
  for (const destination of [
    { kind: 'font' },
    { kind: 'image', crossOrigin: 'anonymous' },
    { kind: 'stylesheet', crossOrigin: 'anonymous' },
  ] as Destination[]) {
    b.single(family, `${destinationSlug(destination)}-dropped`, `${destinationSlug(destination)}; the server closes the connection`, (id) => ({
      request: destinationRequest(destination, b.route(b.ctx.origins.api2, { response: { drop: true } }, id)),
      expected: networkError(),
    }));
    b.single(family, `${destinationSlug(destination)}-refused`, `${destinationSlug(destination)} from a port where nothing listens`, (id) => ({
      request: destinationRequest(destination, `${b.ctx.refusedOrigin}/${b.tag(id)}`),
      expected: networkError(),
    }));
  }
}

/**
 * The preflight cache: two requests to one URL, the second possibly answered from Chromium's
 * preflight cache (invisible to an extension), or missing it (new credentials, method or header).
 */
function preflightCacheFamily(b: CorpusBuilder): void {
  const family = 'preflight-cache';
  const echo = allowOriginVariant(b.page, 'acao-echo');
  const okResponse = responseSpec({ allowOrigin: echo, allowCredentials: ACAC_TRUE, status: 200 });
  const put: RequestShape = { slug: 'put', method: 'PUT', headers: [], unsafeHeaders: [] };
  const del: RequestShape = { slug: 'delete', method: 'DELETE', headers: [], unsafeHeaders: [] };
  const withA: RequestShape = { slug: 'x-a', method: 'PUT', headers: [['X-A', '1']], unsafeHeaders: ['x-a'] };
  const withB: RequestShape = { slug: 'x-b', method: 'PUT', headers: [['X-B', '1']], unsafeHeaders: ['x-b'] };
  const twice = (
    slug: string,
    title: string,
    maxAge: string,
    steps: Array<[Caller, RequestShape]>,
    answer?: (first: RequestShape) => PreflightAnswer,
    response: ResponseSpec = okResponse,
  ) => {
    const id = b.id(family, slug);
    const first = steps[0]![1];
    const preflight = answer ? answer(first) : permissivePreflight(first, echo, maxAge);
    const url = b.route(b.ctx.origins.api, { preflight: preflightSpec({ ...preflight, maxAge }), response }, id);
    const responseAnswer =
      response === okResponse ? null : { allowOrigin: allowOriginVariant(b.page, 'acao-absent'), allowCredentials: ACAC_ABSENT, status: 200 };
    b.add(
      id,
      family,
      title,
      steps.map(([caller, requestShape]) => {
        const include = includesCredentials(caller);
        const preflightFailure = expectPreflight({ ...preflight, maxAge }, requestShape, include, b.page);
        const responseFailure = responseAnswer ? expectAccess(responseAnswer.allowOrigin, responseAnswer.allowCredentials, b.page, include) : null;
        return { request: callerRequest(caller, url, requestShape), expected: toExpectation(preflightFailure ?? responseFailure) };
      }),
    );
  };
  for (const maxAge of ['600', '0', '-1', 'abc', '7201', '5, 600']) {
    twice(`max-age-${maxAge.replace(/[^a-z0-9-]/gi, '') || 'blank'}-twice`, `PUT twice; preflight Max-Age: ${maxAge}`, maxAge, [
      ['fetch-omit', put],
      ['fetch-omit', put],
    ]);
  }
  twice('cached-then-xhr', 'PUT by fetch, then by XHR: the cache is shared', '600', [
    ['fetch-omit', put],
    ['xhr', put],
  ]);
  twice(
    'cached-omit-then-include',
    'PUT without credentials, then with: the cached entry cannot serve credentials',
    '600',
    [
      ['fetch-omit', put],
      ['fetch-include', put],
    ],
    (first) => ({ ...permissivePreflight(first, echo), allowCredentials: ACAC_ABSENT }),
  );
  twice('cached-then-other-method', 'PUT, then DELETE that the cached answer does not allow', '600', [
    ['fetch-omit', put],
    ['fetch-omit', del],
  ]);
  twice('cached-then-other-header', 'PUT with X-A, then with X-B that the cached answer does not allow', '600', [
    ['fetch-omit', withA],
    ['fetch-omit', withB],
  ]);
  twice(
    'cached-then-response-fails',
    'PUT twice; preflight cached, the actual response lacks Access-Control-Allow-Origin',
    '600',
    [
      ['fetch-omit', put],
      ['xhr', put],
    ],
    undefined,
    { status: 200, body: 'json' },
  );
  twice(
    'cached-wildcard-methods',
    'PUT, then DELETE; Access-Control-Allow-Methods: * cached',
    '600',
    [
      ['fetch-omit', put],
      ['fetch-omit', del],
    ],
    (first) => ({ ...permissivePreflight(first, echo), allowMethods: findVariant(allowMethodsVariants(), 'acam-wildcard') }),
  );
}

/**
 * Requests Blink rejects before they reach the network service: Chromium reports a CORS error,
 * but no webRequest event ever fires. They are in the corpus (and in the exclusion file) so the
 * table shows them.
 */
function rendererFamily(b: CorpusBuilder): void {
  const family = 'renderer';
  const echoOk = responseSpec({ allowOrigin: allowOriginVariant(b.page, 'acao-echo'), allowCredentials: ACAC_TRUE, status: 200 });
  b.single(family, 'same-origin-mode', "fetch mode: 'same-origin' to another origin", (id) => ({
    request: callerRequest('fetch-omit', b.route(b.ctx.origins.api, { response: echoOk }, id), { method: 'GET', headers: [] }, { mode: 'same-origin' }),
    expected: corsError('DisallowedByMode'),
  }));
  for (const redirect of ['manual', 'error'] as const) {
    b.single(family, `no-cors-redirect-${redirect}`, `fetch mode: 'no-cors' with redirect: '${redirect}'`, (id) => ({
      request: callerRequest('fetch-omit', b.route(b.ctx.origins.api, { response: echoOk }, id), { method: 'GET', headers: [] }, { mode: 'no-cors', redirect }),
      expected: corsError('NoCorsRedirectModeNotFollow'),
    }));
  }
}

export interface GeneratedCorpus {
  seed: number;
  scenarios: Scenario[];
}

export function generateScenarios(ctx: ScenarioContext, seed = DEFAULT_SEED): GeneratedCorpus {
  const random = seededRandom(seed);
  const builder = new CorpusBuilder(ctx);
  simpleResponseFamily(builder, random);
  preflightTriggerFamily(builder, random);
  preflightAnswerFamily(builder, random);
  allowMethodsFamily(builder, random);
  allowHeadersFamily(builder, random);
  redirectFamily(builder, random);
  destinationFamily(builder, random);
  noCorsFamily(builder, random);
  networkFailureFamily(builder, random);
  preflightCacheFamily(builder);
  rendererFamily(builder);
  const ids = new Set<string>();
  const urls = new Set<string>();
  for (const scenario of builder.scenarios) {
    if (ids.has(scenario.id)) throw new Error(`Duplicate scenario id ${scenario.id}`);
    if (urls.has(scenario.url)) throw new Error(`Scenario ${scenario.id} reuses the URL of another scenario`);
    ids.add(scenario.id);
    urls.add(scenario.url);
  }
  return { seed, scenarios: builder.scenarios };
}
