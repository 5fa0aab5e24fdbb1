/**
 * One HTTP request on the wire, with node:http / node:https: exact header lines out (order, case,
 * duplicates), raw header lines back (`rawHeaders` keeps duplicates such as two
 * Access-Control-Allow-Origin lines, which the engine must see as two). Redirects are never
 * followed here: the caller applies the browser's CORS redirect rules hop by hop.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { HeaderLine } from '../engine/types';

export interface WireRequest {
  method: string;
  url: string;
  headers: HeaderLine[];
  body?: string;
}

export interface WireResponse {
  status: number;
  statusText: string;
  headers: HeaderLine[];
}

export type Transport = (request: WireRequest) => Promise<WireResponse>;

/** A failure below HTTP: no response at all. Never a CORS verdict. */
export class NetworkError extends Error {
  constructor(
    message: string,
    /** Node's error code, e.g. ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, ETIMEDOUT. */
    readonly code: string,
    readonly url: string,
    /** The Chromium net error a browser would report for it, e.g. net::ERR_CONNECTION_REFUSED. */
    readonly netError: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** A plain sentence per failure kind, and the net error Chromium would show for it. */
export function describeNetworkFailure(error: unknown, url: string): NetworkError {
  const err = error as NodeJS.ErrnoException & { code?: string; hostname?: string };
  const code = typeof err?.code === 'string' ? err.code : 'UNKNOWN';
  const detail = err instanceof Error ? err.message : String(error);
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // The URL was validated before sending; keep the raw text if not.
  }
  if (code === 'ECONNREFUSED') return new NetworkError(`Connection refused by ${host}: nothing is listening there.`, code, url, 'net::ERR_CONNECTION_REFUSED');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') {
    return new NetworkError(`DNS lookup failed for ${new URL(url).hostname}: the name does not resolve (${code}).`, code, url, 'net::ERR_NAME_NOT_RESOLVED');
  }
  // Node reports a server that closes without answering as ECONNRESET "socket hang up"; Chromium
  // calls that net::ERR_EMPTY_RESPONSE (measured with the CORS lab's network-error card).
  if (/socket hang up/i.test(detail)) return new NetworkError(`${host} closed the connection without a response.`, code, url, 'net::ERR_EMPTY_RESPONSE');
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new NetworkError(`The connection to ${host} was reset before a response arrived.`, code, url, 'net::ERR_CONNECTION_RESET');
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return new NetworkError(`No response from ${host} in time (${code}).`, code, url, 'net::ERR_TIMED_OUT');
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new NetworkError(`${host} is unreachable (${code}).`, code, url, 'net::ERR_ADDRESS_UNREACHABLE');
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(detail)) {
    return new NetworkError(`TLS failed for ${host}: ${detail}`, code, url, 'net::ERR_CERT_INVALID');
  }
  if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_')) {
    return new NetworkError(`${host} did not answer with valid HTTP (${detail}).`, code, url, 'net::ERR_INVALID_HTTP_RESPONSE');
  }
  return new NetworkError(`Request to ${host} failed: ${detail}`, code, url, 'net::ERR_FAILED');
}

function headerLines(response: IncomingMessage): HeaderLine[] {
  const raw = response.rawHeaders;
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push({ name: raw[i]!, value: raw[i + 1]! });
  return lines;
}

export interface NodeTransportOptions {
  /** Give up on a request after this long without an answer. */
  timeoutMs?: number;
  /** Certificates (PEM) to trust for https besides Node's own roots, e.g. a test server's self-signed one. */
  extraCa?: string[];
}

/** The real transport. Bodies of responses are read and discarded (the headers decide CORS). */
export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const ca = options.extraCa && options.extraCa.length > 0 ? [...rootCertificates, ...options.extraCa] : undefined;
  return (wire) =>
    new Promise<WireResponse>((resolve, reject) => {
      const target = new URL(wire.url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      // Header lines as an array of [name, value] pairs keep order, case and duplicates on the wire.
      const rawHeaders: string[] = [];
      for (const line of wire.headers) rawHeaders.push(line.name, line.value);
      const request = send(
        target,
        { method: wire.method, headers: rawHeaders, agent: false, setHost: true, ...(ca && target.protocol === 'https:' && { ca }) },
        (response) => {
          response.resume();
          response.on('error', () => {
            // The body does not matter; an aborted body after the headers still leaves a verdict.
          });
          resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: headerLines(response) });
        },
      );
      request.setTimeout(timeoutMs, () => {
        const error = Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
        request.destroy(error);
      });
      request.on('error', (error) => reject(describeNetworkFailure(error, wire.url)));
      if (wire.body !== undefined) request.end(wire.body);
      else request.end();
    });
}
