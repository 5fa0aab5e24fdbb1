/**
 * The CORS lab: four loopback origins whose every response is described by data, so browser tests,
 * generated scenarios and the demo can make a server misbehave in exactly one, known way.
 *
 * - page: http://127.0.0.1:<port>, where test pages live.
 * - api, api2: http://localhost:<port>, cross-origin to the page (and to each other). Chromium
 *   resolves `localhost` to ::1 and 127.0.0.1, so these listen on both, on the same port.
 * - https: https://localhost:<port>, the same on TLS with a self-signed certificate made at start
 *   (`lab.tls`), for the lessons that need an https resource. A browser accepts it only when told
 *   to: Chromium with `lab.tls.chromiumArgs` (the certificate's SPKI hash), nothing else changes.
 *
 * Nothing adds CORS headers on its own: a response carries exactly the headers its spec lists,
 * plus Cache-Control: no-store (unless the spec sets Cache-Control), Content-Type for the body and
 * Node's framing headers (Date, Connection, Keep-Alive, Content-Length).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { generate as generateSelfSignedCertificate } from 'selfsigned';
import { TINY_FONT } from './assets/tiny-font';

export type OriginName = 'page' | 'api' | 'api2' | 'https';

export type BodyKind = 'json' | 'text' | 'font' | 'image' | 'module' | 'css' | 'html' | 'empty';

export interface ResponseSpec {
  /** Default 200 (302 for a redirect without its own status). */
  status?: number;
  /**
   * Sent in this order, each pair as its own header line, duplicates included. Values (and the
   * redirect target) are templated: `{origin}` is the request's Origin header (empty when absent),
   * `{acrh}` and `{acrm}` its Access-Control-Request-Headers and -Method (a server that echoes them),
   * `{page}`, `{api}`, `{api2}` and `{https}` are the lab origins.
   */
  headers?: Array<[string, string]>;
  /** A string equal to a BodyKind name means that built-in body; any other string is sent as is. */
  body?: string | Uint8Array | BodyKind;
  /** Overrides the body's default Content-Type. A Content-Type line in `headers` overrides both. */
  contentType?: string;
  /** Location: an absolute URL, or a path ("/...") on the origin that answers. */
  redirect?: { to: string; status?: number };
  /** Destroys the socket without answering: the browser sees net::ERR_EMPTY_RESPONSE. */
  drop?: boolean;
  /** Waits this long before answering (or dropping). */
  delayMs?: number;
}

/** `preflight` answers OPTIONS; `response` answers every other method. A missing one answers 404. */
export interface RouteSpec {
  preflight?: ResponseSpec;
  response?: ResponseSpec;
}

export interface LoggedRequest {
  origin: OriginName;
  method: string;
  /** The URL's path without its query. */
  path: string;
  /** The absolute URL on the lab origin, query included. */
  url: string;
  /** Raw header lines in the order received (names as the client spelled them). */
  headers: Array<[string, string]>;
  /** Arrival time, ms since the epoch. */
  time: number;
}

/** The https origin's self-signed certificate, made when the process first starts a lab. */
export interface LabTls {
  /** PEM, for clients that must trust it (node:https `ca`). */
  cert: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as `--ignore-certificate-errors-spki-list` takes it. */
  spkiHash: string;
  /**
   * Chromium switches that make it accept this certificate and no other invalid one. Chromium
   * honours the switch only with --user-data-dir, which every launcher here passes.
   */
  chromiumArgs: string[];
}

export interface Lab {
  origins: Record<OriginName, string>;
  tls: LabTls;
  /** Where each origin really listens, e.g. api: ['127.0.0.1:41232', '[::1]:41232']. */
  addresses: Record<OriginName, string[]>;
  /** Serves `spec` at `path` (matched without its query) on `origin`; returns the absolute URL. */
  route(origin: OriginName, path: string, spec: RouteSpec): string;
  /** Serves an HTML page on the page origin; returns its URL. */
  page(path: string, html: string): string;
  /** The request log, oldest first; `path` matches the path without query, `method` exactly. */
  requests(filter?: { origin?: OriginName; path?: string; method?: string }): LoggedRequest[];
  /** Forgets routes and pages registered after start, and the request log. */
  reset(): void;
  /** Closes every server and socket, keep-alive ones and delayed answers included. */
  close(): Promise<void>;
}

export interface LabOptions {
  /** The page origin's loopback address: 127.0.0.1 (default), another 127.x.y.z, or ::1. */
  host?: string;
  /** Fixed ports; any origin left out gets a free one. */
  ports?: Partial<Record<OriginName, number>>;
  /** Shorthand for `ports.page`. */
  pagePort?: number;
}

export const ORIGIN_NAMES: readonly OriginName[] = ['page', 'api', 'api2', 'https'];

/** Path prefix of routes that carry their spec in the URL. */
export const INLINE_ROUTE_PREFIX = '/__cors/';

const BODY_KINDS: readonly BodyKind[] = ['json', 'text', 'font', 'image', 'module', 'css', 'html', 'empty'];

const ONE_PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const BUILT_IN_BODIES: Record<BodyKind, { data: Uint8Array; contentType: string | null }> = {
  json: { data: Buffer.from('{"ok":true}'), contentType: 'application/json' },
  text: { data: Buffer.from('CORS lab: ok\n'), contentType: 'text/plain; charset=utf-8' },
  font: { data: TINY_FONT, contentType: 'font/ttf' },
  image: { data: ONE_PIXEL_PNG, contentType: 'image/png' },
  module: { data: Buffer.from('export default 1;\n'), contentType: 'text/javascript' },
  css: { data: Buffer.from('.cors-lab { color: rgb(1, 2, 3); }\n'), contentType: 'text/css' },
  html: {
    data: Buffer.from('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>CORS lab</title></head><body><p>CORS lab</p></body></html>\n'),
    contentType: 'text/html; charset=utf-8',
  },
  empty: { data: new Uint8Array(0), contentType: null },
};

const BLANK_PAGE =
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>CORS lab</title><link rel="icon" href="data:,"></head><body></body></html>\n';

/** A route spec the lab cannot serve; inline specs answer 400 with its message. */
export class RouteSpecError extends Error {}

/**
 * A URL on `origin` that answers by `spec` with no registration: the spec travels base64url-encoded
 * in the path. `tag` (slashes allowed) is appended as extra path segments, so the same spec can get
 * distinct URLs and never share Chromium's preflight or HTTP cache entries.
 */
export function inlineRouteUrl(origin: string, spec: RouteSpec, tag?: string): string {
  validateRouteSpec(spec);
  if (spec.preflight?.body instanceof Uint8Array || spec.response?.body instanceof Uint8Array) {
    throw new RouteSpecError('an inline route travels as JSON, so its body must be a string or a body kind, not bytes');
  }
  const encoded = Buffer.from(JSON.stringify(spec)).toString('base64url');
  const suffix = tag ? '/' + tag.split('/').map(encodeURIComponent).join('/') : '';
  return `${origin.replace(/\/+$/, '')}${INLINE_ROUTE_PREFIX}${encoded}${suffix}`;
}

/** Reads the spec out of an inline route path; throws RouteSpecError when it is malformed. */
export function decodeInlineRouteSpec(path: string): RouteSpec {
  const encoded = path.slice(INLINE_ROUTE_PREFIX.length).split('/')[0] ?? '';
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(encoded)) {
    throw new RouteSpecError('the segment after /__cors/ must be base64url-encoded JSON (characters A-Z a-z 0-9 - _)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (error) {
    throw new RouteSpecError(`the decoded spec is not JSON (${(error as Error).message})`);
  }
  validateRouteSpec(parsed);
  return parsed;
}

function validateRouteSpec(spec: unknown): asserts spec is RouteSpec {
  if (!isPlainObject(spec)) throw new RouteSpecError('a route spec must be an object with "preflight" and/or "response"');
  for (const key of Object.keys(spec)) {
    if (key !== 'preflight' && key !== 'response') throw new RouteSpecError(`unknown route spec field "${key}"`);
  }
  if (spec.preflight !== undefined) validateResponseSpec(spec.preflight, 'preflight');
  if (spec.response !== undefined) validateResponseSpec(spec.response, 'response');
}

const RESPONSE_SPEC_FIELDS = new Set(['status', 'headers', 'body', 'contentType', 'redirect', 'drop', 'delayMs']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_IN_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function validateResponseSpec(spec: unknown, where: string): asserts spec is ResponseSpec {
  if (!isPlainObject(spec)) throw new RouteSpecError(`${where} must be an object`);
  for (const key of Object.keys(spec)) {
    if (!RESPONSE_SPEC_FIELDS.has(key)) throw new RouteSpecError(`unknown field "${key}" in ${where}`);
  }
  const { status, headers, body, contentType, redirect, drop, delayMs } = spec;
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 599)) {
    throw new RouteSpecError(`${where}.status must be an integer from 200 to 599, not ${JSON.stringify(status)}`);
  }
  if (headers !== undefined) {
    if (!Array.isArray(headers)) throw new RouteSpecError(`${where}.headers must be an array of [name, value] pairs`);
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new RouteSpecError(`${where}.headers must hold [name, value] string pairs, not ${JSON.stringify(pair)}`);
      }
      if (!HEADER_NAME.test(pair[0])) throw new RouteSpecError(`${where}.headers: "${pair[0]}" is not a valid header name`);
      if (FORBIDDEN_IN_HEADER_VALUE.test(pair[1])) {
        throw new RouteSpecError(`${where}.headers: the value of ${pair[0]} contains a control character`);
      }
    }
  }
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new RouteSpecError(`${where}.body must be a string, bytes or one of ${BODY_KINDS.join(', ')}`);
  }
  if (contentType !== undefined && (typeof contentType !== 'string' || FORBIDDEN_IN_HEADER_VALUE.test(contentType))) {
    throw new RouteSpecError(`${where}.contentType must be a header-safe string`);
  }
  if (redirect !== undefined) {
    if (!isPlainObject(redirect) || typeof redirect.to !== 'string' || FORBIDDEN_IN_HEADER_VALUE.test(redirect.to)) {
      throw new RouteSpecError(`${where}.redirect must be { to: string, status?: number }`);
    }
    const redirectStatus = redirect.status;
    if (redirectStatus !== undefined && !(Number.isInteger(redirectStatus) && (redirectStatus as number) >= 300 && (redirectStatus as number) <= 399)) {
      throw new RouteSpecError(`${where}.redirect.status must be an integer from 300 to 399, not ${JSON.stringify(redirectStatus)}`);
    }
  }
  if (drop !== undefined && typeof drop !== 'boolean') throw new RouteSpecError(`${where}.drop must be a boolean`);
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new RouteSpecError(`${where}.delayMs must be a non-negative number of milliseconds`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isLoopbackAddress(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** One HTTP server on one address, with its sockets tracked so close() can cut keep-alive ones. */
interface Listener {
  server: Server | TlsServer;
  address: string;
  sockets: Set<Socket>;
}

function listen(server: Server | TlsServer, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host: address, port, ipv6Only: address === '::1', exclusive: true }, () => {
      server.off('error', onError);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : port);
    });
  });
}

function closeListener(listener: Listener): Promise<void> {
  return new Promise((resolve) => {
    listener.server.close(() => resolve());
    listener.server.closeAllConnections();
    for (const socket of listener.sockets) socket.destroy();
  });
}

let certificate: Promise<{ key: string; tls: LabTls }> | null = null;

/**
 * One self-signed certificate per process for localhost, 127.0.0.1 and ::1 (a P-256 key: made in
 * milliseconds), valid from an hour ago (clock skew) for a week.
 */
function labCertificate(): Promise<{ key: string; tls: LabTls }> {
  certificate ??= (async () => {
    const now = Date.now();
    const pems = await generateSelfSignedCertificate([{ name: 'commonName', value: 'CORS lab localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 3_600_000),
      notAfterDate: new Date(now + 7 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    const spki = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
    const spkiHash = createHash('sha256').update(spki).digest('base64');
    return { key: pems.private, tls: { cert: pems.cert, spkiHash, chromiumArgs: [`--ignore-certificate-errors-spki-list=${spkiHash}`] } };
  })();
  return certificate;
}

/** Errors meaning "this machine has no usable ::1", as opposed to "the port is taken". */
const IPV6_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EINVAL']);

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const pageHost = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(pageHost)) {
    throw new Error(`The lab listens on loopback only: host must be 127.x.y.z or ::1, not "${pageHost}".`);
  }
  const requestedPorts: Partial<Record<OriginName, number>> = { ...options.ports };
  if (options.pagePort !== undefined && requestedPorts.page === undefined) requestedPorts.page = options.pagePort;

  const { key: tlsKey, tls } = await labCertificate();
  const routes: Record<OriginName, Map<string, RouteSpec>> = { page: new Map(), api: new Map(), api2: new Map(), https: new Map() };
  const builtInRoutes: Record<OriginName, Map<string, RouteSpec>> = { page: new Map(), api: new Map(), api2: new Map(), https: new Map() };
  builtInRoutes.page.set('/blank', { response: { body: BLANK_PAGE, contentType: 'text/html; charset=utf-8' } });
  const log: LoggedRequest[] = [];
  const pendingAnswers = new Set<NodeJS.Timeout>();
  const listeners: Listener[] = [];
  const origins = {} as Record<OriginName, string>;
  const addresses: Record<OriginName, string[]> = { page: [], api: [], api2: [], https: [] };
  let closed = false;

  const handle = (originName: OriginName, req: IncomingMessage, res: ServerResponse) => {
    const time = Date.now();
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.search(/[?#]/);
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const headers: Array<[string, string]> = [];
    for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
      headers.push([req.rawHeaders[index] ?? '', req.rawHeaders[index + 1] ?? '']);
    }
    const method = req.method ?? 'GET';
    log.push({ origin: originName, method, path, url: origins[originName] + rawUrl, headers, time });

    // Answer only once the request body is consumed, so keep-alive connections stay in step.
    req.on('error', () => req.socket.destroy());
    req.resume();
    req.on('end', () => {
      try {
        answer(originName, req, res, method, path);
      } catch (error) {
        sendPlain(res, 500, `CORS lab: could not answer ${method} ${path}: ${(error as Error).message}\n`);
      }
    });
  };

  const answer = (originName: OriginName, req: IncomingMessage, res: ServerResponse, method: string, path: string) => {
    let spec: RouteSpec | undefined = routes[originName].get(path) ?? builtInRoutes[originName].get(path);
    if (!spec && path.startsWith(INLINE_ROUTE_PREFIX)) {
      try {
        spec = decodeInlineRouteSpec(path);
      } catch (error) {
        sendPlain(res, 400, `CORS lab: malformed inline route spec in ${path.slice(0, 200)}: ${(error as Error).message}\n`);
        return;
      }
    }
    const responseSpec = method === 'OPTIONS' ? spec?.preflight : spec?.response;
    if (!responseSpec) {
      const missing = !spec ? 'no route' : method === 'OPTIONS' ? 'no preflight answer' : 'no response';
      sendPlain(res, 404, `CORS lab: ${missing} for ${method} ${path} on ${originName}\n`);
      return;
    }
    const respond = () => {
      if (res.destroyed || req.socket.destroyed) return;
      if (responseSpec.drop) {
        req.socket.destroy();
        return;
      }
      sendSpec(res, responseSpec, { request: req, servedBy: origins[originName], origins });
    };
    if (responseSpec.delayMs) {
      const timer = setTimeout(() => {
        pendingAnswers.delete(timer);
        try {
          respond();
        } catch (error) {
          sendPlain(res, 500, `CORS lab: could not answer ${method} ${path}: ${(error as Error).message}\n`);
        }
      }, responseSpec.delayMs);
      pendingAnswers.add(timer);
    } else {
      respond();
    }
  };

  const openListener = async (originName: OriginName, address: string, port: number): Promise<Listener> => {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => handle(originName, req, res);
    const server =
      originName === 'https'
        ? createTlsServer({ maxHeaderSize: 64 * 1024, key: tlsKey, cert: tls.cert }, onRequest)
        : createServer({ maxHeaderSize: 64 * 1024 }, onRequest);
    const listener: Listener = { server, address, sockets: new Set() };
    // 'secureConnection' would miss sockets still in the TLS handshake: track the TCP ones.
    server.on('connection', (socket: Socket) => {
      listener.sockets.add(socket);
      socket.on('close', () => listener.sockets.delete(socket));
    });
    const boundPort = await listen(server, address, port);
    listeners.push(listener);
    addresses[originName].push(`${hostForUrl(address)}:${boundPort}`);
    return listener;
  };

  /** Opens 127.0.0.1 (port 0 or the given one), then ::1 on the same port, retrying on a clash. */
  const openLocalhost = async (originName: OriginName, requestedPort: number | undefined): Promise<number> => {
    const attempts = requestedPort ? 1 : 10;
    for (let attempt = 1; ; attempt++) {
      const ipv4 = await openListener(originName, '127.0.0.1', requestedPort ?? 0);
      const port = (ipv4.server.address() as { port: number }).port;
      try {
        await openListener(originName, '::1', port);
        return port;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (IPV6_UNAVAILABLE.has(code)) return port;
        // ::1 on this port belongs to someone else, and Chromium might connect there: try another.
        listeners.splice(listeners.indexOf(ipv4), 1);
        addresses[originName].pop();
        await closeListener(ipv4);
        if (attempt >= attempts) {
          throw Object.assign(new Error(`Cannot listen on [::1]:${port} for the ${originName} origin: ${(error as Error).message}`), { code });
        }
      }
    }
  };

  const closeAll = async () => {
    closed = true;
    for (const timer of pendingAnswers) clearTimeout(timer);
    pendingAnswers.clear();
    await Promise.all(listeners.map(closeListener));
  };

  try {
    const pageListener = await openListener('page', pageHost, requestedPorts.page ?? 0);
    origins.page = `http://${hostForUrl(pageHost)}:${(pageListener.server.address() as { port: number }).port}`;
    for (const name of ['api', 'api2', 'https'] as const) {
      origins[name] = `${name === 'https' ? 'https' : 'http'}://localhost:${await openLocalhost(name, requestedPorts[name])}`;
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  const route = (origin: OriginName, path: string, spec: RouteSpec): string => {
    if (!ORIGIN_NAMES.includes(origin)) throw new Error(`Unknown lab origin "${origin}"; use one of ${ORIGIN_NAMES.join(', ')}.`);
    if (!path.startsWith('/')) throw new Error(`A lab route path must start with "/", not "${path}".`);
    validateRouteSpec(spec);
    const queryStart = path.search(/[?#]/);
    routes[origin].set(queryStart === -1 ? path : path.slice(0, queryStart), spec);
    return origins[origin] + path;
  };

  return {
    origins,
    tls,
    addresses,
    route,
    page: (path, html) => route('page', path, { response: { body: html, contentType: 'text/html; charset=utf-8' } }),
    requests: (filter = {}) =>
      log.filter(
        (entry) =>
          (filter.origin === undefined || entry.origin === filter.origin) &&
          (filter.path === undefined || entry.path === filter.path) &&
          (filter.method === undefined || entry.method === filter.method),
      ),
    reset: () => {
      for (const name of ORIGIN_NAMES) routes[name].clear();
      log.length = 0;
    },
    close: async () => {
      if (!closed) await closeAll();
    },
  };
}

interface AnswerContext {
  request: IncomingMessage;
  /** The lab origin the request reached, for redirect targets given as a path. */
  servedBy: string;
  origins: Record<OriginName, string>;
}

function fillTemplate(value: string, context: AnswerContext): string {
  const { headers } = context.request;
  const fromRequest: Record<string, string> = {
    origin: headers.origin ?? '',
    acrh: String(headers['access-control-request-headers'] ?? ''),
    acrm: String(headers['access-control-request-method'] ?? ''),
  };
  return value.replace(/\{(origin|acrh|acrm|page|api|api2|https)\}/g, (_match, name: string) => fromRequest[name] ?? context.origins[name as OriginName]);
}

function resolveBody(spec: ResponseSpec): { data: Uint8Array; contentType: string | null } {
  const { body } = spec;
  if (body === undefined) return BUILT_IN_BODIES.empty;
  if (body instanceof Uint8Array) return { data: body, contentType: 'application/octet-stream' };
  if ((BODY_KINDS as readonly string[]).includes(body)) return BUILT_IN_BODIES[body as BodyKind];
  return { data: Buffer.from(body), contentType: 'text/plain; charset=utf-8' };
}

const STATUSES_WITHOUT_BODY = new Set([204, 205, 304]);

function sendSpec(res: ServerResponse, spec: ResponseSpec, context: AnswerContext): void {
  const status = spec.status ?? (spec.redirect ? (spec.redirect.status ?? 302) : 200);
  const lines: Array<[string, string]> = (spec.headers ?? []).map(([name, value]) => [name, fillTemplate(value, context)]);
  const has = (name: string) => lines.some(([existing]) => existing.toLowerCase() === name);

  if (spec.redirect) {
    const target = fillTemplate(spec.redirect.to, context);
    lines.push(['Location', target.startsWith('/') && !target.startsWith('//') ? context.servedBy + target : target]);
  }
  const body = resolveBody(spec);
  const contentType = spec.contentType ?? body.contentType;
  const sendsBody = !STATUSES_WITHOUT_BODY.has(status);
  if (sendsBody && contentType && !has('content-type')) lines.push(['Content-Type', contentType]);
  if (!has('cache-control')) lines.push(['Cache-Control', 'no-store']);
  if (sendsBody && !has('content-length') && !has('transfer-encoding')) lines.push(['Content-Length', String(body.data.byteLength)]);

  // A flat [name, value, name, value…] array makes Node write each pair as its own line, in order.
  res.writeHead(status, lines.flat());
  res.end(sendsBody && context.request.method !== 'HEAD' ? body.data : undefined);
}

function sendPlain(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const data = Buffer.from(message);
  res.writeHead(status, ['Content-Type', 'text/plain; charset=utf-8', 'Cache-Control', 'no-store', 'Content-Length', String(data.byteLength)]);
  res.end(data);
}
