/**
 * The compact form of an ObservedExchange in the recorded Firefox fixtures: header lines as
 * `[name, value]` pairs, and without the forbidden request headers the browser adds itself
 * (`Host`, `Connection`, `Accept-Encoding`, `Referer`), which no CORS check reads.
 */
import type { HeaderLine, ObservedExchange, ObservedPreflight, ObservedRedirect, ObservedResponse } from '../types';

export type FixtureHeaders = Array<[string, string]>;
export interface FixtureExchange extends Omit<ObservedExchange, 'request' | 'preflight' | 'redirects' | 'response'> {
  request: Omit<ObservedExchange['request'], 'headers'> & { headers: FixtureHeaders | null };
  preflight: (Omit<ObservedPreflight, 'request' | 'response'> & { request: { headers: FixtureHeaders }; response: FixtureResponse | null }) | null;
  redirects: Array<Omit<ObservedRedirect, 'headers'> & { headers: FixtureHeaders }>;
  response: FixtureResponse | null;
}
interface FixtureResponse {
  status: number;
  headers: FixtureHeaders;
}

const DROPPED = new Set(['host', 'connection', 'accept-encoding', 'referer']);

const pack = (headers: readonly HeaderLine[]): FixtureHeaders =>
  headers.filter((line) => !DROPPED.has(line.name.toLowerCase())).map((line) => [line.name, line.value]);
const unpack = (headers: FixtureHeaders): HeaderLine[] => headers.map(([name, value]) => ({ name, value }));
const packResponse = (response: ObservedResponse | null): FixtureResponse | null =>
  response ? { status: response.status, headers: pack(response.headers) } : null;
const unpackResponse = (response: FixtureResponse | null): ObservedResponse | null =>
  response ? { status: response.status, headers: unpack(response.headers) } : null;

export function toFixtureExchange(exchange: ObservedExchange): FixtureExchange {
  return {
    ...exchange,
    request: { ...exchange.request, headers: exchange.request.headers ? pack(exchange.request.headers) : null },
    preflight: exchange.preflight
      ? { ...exchange.preflight, request: { headers: pack(exchange.preflight.request.headers) }, response: packResponse(exchange.preflight.response) }
      : null,
    redirects: exchange.redirects.map((redirect) => ({ ...redirect, headers: pack(redirect.headers) })),
    response: packResponse(exchange.response),
  };
}

export function fromFixtureExchange(exchange: FixtureExchange): ObservedExchange {
  return {
    ...exchange,
    request: { ...exchange.request, headers: exchange.request.headers ? unpack(exchange.request.headers) : null },
    preflight: exchange.preflight
      ? { ...exchange.preflight, request: { headers: unpack(exchange.preflight.request.headers) }, response: unpackResponse(exchange.preflight.response) }
      : null,
    redirects: exchange.redirects.map((redirect) => ({ ...redirect, headers: unpack(redirect.headers) })),
    response: unpackResponse(exchange.response),
  };
}
