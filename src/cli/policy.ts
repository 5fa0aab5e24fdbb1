/**
 * Policy checks for CI: a small file (JSON or YAML) lists, per endpoint and method/headers, the
 * origins a browser must be allowed to read from and the origins it must be refused. Each pair is
 * checked with the same browser-like fetch as `cors-doctor check`; any violation fails the run.
 */
import { parse as parseYaml } from 'yaml';
import type { HeaderLine } from '../engine/types';
import { browserFetch, type BrowserFetchResult, type BrowserIdentity } from './browser-fetch';
import { NetworkError, type Transport } from './transport';
import { UsageError, parseHeaderOption } from './args';

export interface PolicyEndpoint {
  /** Absolute URL, or a path joined to the policy's (or --base-url's) baseUrl. */
  url: string;
  method: string;
  headers: HeaderLine[];
  credentials: boolean;
  allow: string[];
  refuse: string[];
  name: string;
}

export interface Policy {
  baseUrl: string | null;
  endpoints: PolicyEndpoint[];
}

export interface PolicyRow {
  endpoint: string;
  method: string;
  origin: string;
  expected: 'allowed' | 'refused';
  actual: 'allowed' | 'refused' | 'error';
  ok: boolean;
  /** The Chromium rule when refused, or the network error message. */
  detail: string;
  result: BrowserFetchResult | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new UsageError(`${where} must be a list of origins.`);
  return value as string[];
}

function originList(value: unknown, where: string): string[] {
  const list = stringList(value, where);
  for (const origin of list) {
    if (origin === 'null') continue;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new UsageError(`${where}: "${origin}" is not an origin (scheme://host[:port]).`);
    }
    if (parsed.origin !== origin)
      throw new UsageError(`${where}: "${origin}" is not an origin; did you mean "${parsed.origin}"? Origins have no path or trailing slash.`);
  }
  return list;
}

function headersOf(value: unknown, where: string): HeaderLine[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? parseHeaderOption(item) : badHeaders(where)));
  if (isObject(value)) return Object.entries(value).map(([name, v]) => ({ name, value: typeof v === 'string' ? v : String(v) }));
  return badHeaders(where);
}
function badHeaders(where: string): never {
  throw new UsageError(`${where}.headers must be a map (Name: value) or a list of "Name: value" strings.`);
}

/** Parses and validates a policy file's text; `fileName` picks YAML or JSON (YAML also reads JSON). */
export function parsePolicy(text: string, fileName: string): Policy {
  let data: unknown;
  try {
    data = fileName.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(
      `${fileName} is not valid ${fileName.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isObject(data) || !Array.isArray(data.endpoints) || data.endpoints.length === 0) {
    throw new UsageError(`${fileName} must have an "endpoints" list (see docs/cli.md).`);
  }
  const baseUrl = typeof data.baseUrl === 'string' ? data.baseUrl : null;
  const defaults = isObject(data.defaults) ? data.defaults : {};
  const endpoints = data.endpoints.map((raw, index): PolicyEndpoint => {
    const where = `endpoints[${index}]`;
    if (!isObject(raw)) throw new UsageError(`${where} must be a map.`);
    const url = typeof raw.url === 'string' ? raw.url : typeof raw.path === 'string' ? raw.path : null;
    if (url === null) throw new UsageError(`${where} needs a url (or a path with baseUrl).`);
    const allow = originList(raw.allow ?? defaults.allow, `${where}.allow`);
    const refuse = originList(raw.refuse ?? defaults.refuse, `${where}.refuse`);
    if (allow.length + refuse.length === 0) throw new UsageError(`${where} lists no origins to allow or refuse.`);
    const method = typeof raw.method === 'string' ? raw.method : typeof defaults.method === 'string' ? defaults.method : 'GET';
    const headers = headersOf(raw.headers ?? defaults.headers, where);
    const credentials = raw.credentials === true || (raw.credentials === undefined && defaults.credentials === true);
    return { url, method, headers, credentials, allow, refuse, name: typeof raw.name === 'string' ? raw.name : url };
  });
  return { baseUrl, endpoints };
}

export function endpointUrl(endpoint: PolicyEndpoint, baseUrl: string | null): string {
  if (/^https?:\/\//i.test(endpoint.url)) return endpoint.url;
  if (baseUrl === null) throw new UsageError(`"${endpoint.url}" is a path: give baseUrl in the policy file or --base-url.`);
  return baseUrl.replace(/\/+$/, '') + (endpoint.url.startsWith('/') ? endpoint.url : `/${endpoint.url}`);
}

export async function runPolicy(policy: Policy, baseUrl: string | null, send: Transport, identity: BrowserIdentity): Promise<PolicyRow[]> {
  const rows: PolicyRow[] = [];
  for (const endpoint of policy.endpoints) {
    const url = endpointUrl(endpoint, baseUrl ?? policy.baseUrl);
    const checks = [
      ...endpoint.allow.map((origin) => ({ origin, expected: 'allowed' as const })),
      ...endpoint.refuse.map((origin) => ({ origin, expected: 'refused' as const })),
    ];
    for (const { origin, expected } of checks) {
      const label = endpoint.name === endpoint.url ? url : endpoint.name;
      try {
        const result = await browserFetch(
          { url, origin, method: endpoint.method, headers: endpoint.headers, credentials: endpoint.credentials },
          send,
          identity,
        );
        const actual = result.allowed ? 'allowed' : 'refused';
        rows.push({
          endpoint: label,
          method: result.exchange.request.method,
          origin,
          expected,
          actual,
          ok: actual === expected,
          detail: result.verdict.blocked ? (result.verdict.rule ?? 'blocked') : result.verdict.title,
          result,
        });
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        rows.push({ endpoint: label, method: endpoint.method, origin, expected, actual: 'error', ok: false, detail: error.message, result: null });
      }
    }
  }
  return rows;
}

/** A fixed-width table, one row per origin check, and a one-line tally. */
export function renderPolicyTable(rows: readonly PolicyRow[]): string {
  const header = ['', 'Endpoint', 'Method', 'Origin', 'Must be', 'Browser', 'Rule / detail'];
  // A network error is no CORS verdict: its row says ERROR, not FAIL, and the tally counts it apart.
  const body = rows.map((row) => [
    row.actual === 'error' ? 'ERROR' : row.ok ? 'ok' : 'FAIL',
    row.endpoint,
    row.method,
    row.origin,
    row.expected,
    row.actual,
    row.detail,
  ]);
  const widths = header.map((_, column) => Math.max(header[column]!.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const violations = rows.filter((row) => !row.ok && row.actual !== 'error').length;
  const errors = rows.filter((row) => row.actual === 'error').length;
  const tally =
    violations === 0 && errors === 0
      ? `All ${rows.length} origin checks pass.`
      : [
          violations > 0 ? `${violations} of ${rows.length} origin checks violate the policy.` : '',
          errors > 0 ? `${errors} of ${rows.length} could not be checked: network error, not a CORS verdict.` : '',
        ]
          .filter(Boolean)
          .join(' ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', tally, ''].join('\n');
}
