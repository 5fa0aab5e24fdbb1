/**
 * Input hygiene: an ObservedExchange comes from a capture layer, a HAR file or a test, so every field
 * may be missing, mistyped or malformed. cleanExchange turns it into a CleanExchange whose fields
 * all have their declared types; the judge reads nothing else.
 */
import type { CredentialsMode } from './fetch-spec';
import { EMPTY_HEADERS } from './headers';
import type { CredentialsEvidenceHeader, ExchangeContext, HeaderLine, HeaderList, ObservedExchange, ResourceType } from './types';

export interface CleanResponse {
  status: number;
  headers: HeaderList;
}
export interface CleanRedirect extends CleanResponse {
  url: string;
  location: string;
}
export interface CleanPreflight {
  url: string;
  requestHeaders: HeaderList;
  response: CleanResponse | null;
  redirectedTo: string | null;
  error: string | null;
}
export interface CleanExchange {
  initiator: string | null;
  url: string;
  method: string;
  type: ResourceType;
  headers: HeaderList | null;
  preflight: CleanPreflight | null;
  redirects: CleanRedirect[];
  response: CleanResponse | null;
  error: string | null;
  fromCache: boolean;
  context: CleanContext | null;
  /** ObservedExchange.credentials, when the observer knew it; null means infer it. */
  knownCredentials: CredentialsMode | null;
  /** ObservedExchange.credentialsBeforeRedirect, when well-formed. */
  credentialsBeforeRedirect: CredentialsEvidenceHeader | null;
  /** ObservedExchange.partial: some of the exchange's events never reached the observer. */
  partial: boolean;
}
export interface CleanContext {
  requestTime: number;
  earlierPreflight: { time: number; preflight: CleanPreflight } | null;
  echoedOrigins: string[];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? fallback : safeString(value);
}
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function statusOf(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** Returns the list itself when every line is well-formed (the usual case), else a cleaned copy. */
function cleanHeaders(value: unknown): HeaderList {
  if (!Array.isArray(value)) return EMPTY_HEADERS;
  for (let i = 0; i < value.length; i++) {
    const line = value[i] as HeaderLine | undefined;
    if (!isObject(line) || typeof line.name !== 'string' || typeof line.value !== 'string') return repairHeaders(value);
  }
  return value as HeaderList;
}
function repairHeaders(value: unknown[]): HeaderList {
  const lines: HeaderLine[] = [];
  for (const line of value) {
    if (!isObject(line)) continue;
    const name = str(line.name);
    if (name === '') continue;
    lines.push({ name, value: str(line.value) });
  }
  return lines;
}
function cleanPreflight(preflightRaw: Record<string, unknown>, fallbackUrl: string): CleanPreflight {
  const preflightRequest = isObject(preflightRaw.request) ? preflightRaw.request : {};
  return {
    url: str(preflightRaw.url, fallbackUrl),
    requestHeaders: cleanHeaders((preflightRequest as Record<string, unknown>).headers),
    response: cleanResponse(preflightRaw.response),
    redirectedTo: strOrNull(preflightRaw.redirectedTo),
    error: strOrNull(preflightRaw.error),
  };
}
function cleanContext(value: unknown, url: string): CleanContext | null {
  if (!isObject(value)) return null;
  const raw = value as Partial<Record<keyof ExchangeContext, unknown>>;
  const earlier = isObject(raw.earlierPreflight) && isObject(raw.earlierPreflight.preflight) ? raw.earlierPreflight : null;
  return {
    requestTime: statusOf(raw.requestTime),
    earlierPreflight: earlier ? { time: statusOf(earlier.time), preflight: cleanPreflight(earlier.preflight as Record<string, unknown>, url) } : null,
    echoedOrigins: Array.isArray(raw.echoedOrigins) ? raw.echoedOrigins.filter((o): o is string => typeof o === 'string') : [],
  };
}
function cleanResponse(value: unknown): CleanResponse | null {
  if (!isObject(value)) return null;
  return { status: statusOf(value.status), headers: cleanHeaders(value.headers) };
}

// Most exchanges have no redirect; they share one frozen empty list (nothing appends to it).
const NO_REDIRECTS: CleanRedirect[] = Object.freeze([]) as unknown as CleanRedirect[];

export function cleanExchange(input: ObservedExchange): CleanExchange {
  const raw = (isObject(input) ? input : {}) as Record<string, unknown>;
  const request = (isObject(raw.request) ? raw.request : {}) as Record<string, unknown>;
  const preflightRaw = raw.preflight;
  let preflight: CleanPreflight | null = null;
  if (isObject(preflightRaw)) preflight = cleanPreflight(preflightRaw, str(request.url));
  let redirects: CleanRedirect[] = NO_REDIRECTS;
  if (Array.isArray(raw.redirects) && raw.redirects.length > 0) {
    redirects = [];
    for (const hop of raw.redirects) {
      if (!isObject(hop)) continue;
      redirects.push({ url: str(hop.url), status: statusOf(hop.status), location: str(hop.location), headers: cleanHeaders(hop.headers) });
    }
  }
  const outcome = isObject(raw.outcome) ? raw.outcome : { kind: 'completed' };
  const error = outcome.kind === 'error' ? str(outcome.error, 'net::ERR_FAILED') || 'net::ERR_FAILED' : null;
  return {
    initiator: strOrNull(raw.initiator),
    url: str(request.url),
    method: str(request.method, 'GET') || 'GET',
    type: str(request.type, 'other'),
    headers: Array.isArray(request.headers) ? cleanHeaders(request.headers) : null,
    preflight,
    redirects,
    response: cleanResponse(raw.response),
    error,
    fromCache: raw.fromCache === true,
    context: raw.context === undefined || raw.context === null ? null : cleanContext(raw.context, str(request.url)),
    knownCredentials: raw.credentials === 'omit' || raw.credentials === 'same-origin' || raw.credentials === 'include' ? raw.credentials : null,
    credentialsBeforeRedirect: cleanCredentialsEvidence(raw.credentialsBeforeRedirect, redirects.length),
    partial: raw.partial === true,
  };
}

/** A credentials header seen before a redirect: kept only when it names one and an earlier URL of the chain. */
function cleanCredentialsEvidence(raw: unknown, hops: number): CredentialsEvidenceHeader | null {
  if (!isObject(raw)) return null;
  const { name, urlIndex } = raw;
  if (name !== 'cookie' && name !== 'sec-fetch-storage-access') return null;
  if (typeof urlIndex !== 'number' || !Number.isInteger(urlIndex) || urlIndex < 0 || urlIndex >= hops) return null;
  return { name, urlIndex };
}
