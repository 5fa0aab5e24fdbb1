/**
 * curl commands that reproduce a CORS failure without a browser: the preflight, then the actual
 * request, each with only what decides the CORS outcome (the method, the URL, `Origin`, the
 * preflight's `Access-Control-Request-*` headers, the headers that made the request non-simple,
 * `Content-Type`, and the credentials), not the browser's `User-Agent`, `sec-ch-ua` or
 * `Accept-Language`. The headers the check expected and those the server sent stand above the
 * failing command as comments, so a server owner sees what to look for in curl's output.
 *
 * Every value comes from traffic (possibly hostile), so each argument is single-quoted for POSIX
 * sh, where nothing but a quote ends a quoted string, and a comment is one line.
 */
import type { HeaderLine, HeaderList } from '../engine/types';
import type { ReportEntry } from '../shared/report';
import { REDACTED } from './redact';

/** One POSIX sh word holding exactly `text`. */
export function shellQuote(text: string): string {
  // A NUL cannot be passed in an argv string at all; dropping it is the only faithful option.
  const clean = text.replace(/\0/g, '');
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl manages itself, or that would make its output unreadable (compressed bodies). */
const HEADERS_CURL_MANAGES = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'upgrade',
  'accept-encoding',
]);

export interface CurlRequest {
  method: string;
  url: string;
  headers: HeaderList;
}

/** A shell comment that no value can end early: one line, no control characters. */
export function shellComment(text: string): string {
  return `# ${text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()}`;
}

export function curlCommand(request: CurlRequest): string {
  const words: string[] = ['curl', '-i', '--globoff'];
  const method = request.method.toUpperCase();
  if (method === 'HEAD') words.push('--head');
  else if (method !== 'GET') words.push('-X', /^[A-Z0-9_-]+$/.test(method) ? method : shellQuote(method));
  // A URL that starts with "-" would be read as an option; --url never is.
  words.push(request.url.startsWith('-') ? `--url ${shellQuote(request.url)}` : shellQuote(request.url));
  const lines = [words.join(' ')];
  for (const header of request.headers) {
    const name = header.name.trim();
    if (name === '' || name.startsWith(':') || HEADERS_CURL_MANAGES.has(name.toLowerCase())) continue;
    // "Name;" is curl's spelling of a header with an empty value; "Name:" would remove the header.
    const argument = header.value === '' ? `${name};` : `${name}: ${header.value}`;
    lines.push(`-H ${shellQuote(argument)}`);
  }
  return lines.join(' \\\n  ');
}

function headerValue(headers: HeaderList | null | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers?.find((h) => h.name.toLowerCase() === lower)?.value;
}

function withHeader(headers: HeaderLine[], name: string, value: string): HeaderLine[] {
  const lower = name.toLowerCase();
  const index = headers.findIndex((h) => h.name.toLowerCase() === lower);
  if (index < 0) return [...headers, { name, value }];
  const copy = [...headers];
  copy[index] = { name: copy[index]!.name, value };
  return copy;
}

/** The header names the browser asked the preflight about, lower-cased, in request order. */
function requestedHeaderNames(entry: ReportEntry): string[] {
  const fromPreflight = headerValue(entry.preflight?.request.headers, 'Access-Control-Request-Headers');
  if (fromPreflight !== undefined) {
    return fromPreflight
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '');
  }
  const names = entry.verdict.preflightReasons
    .filter((reason) => reason.kind !== 'method' && reason.kind !== 'forced' && reason.kind !== 'total-length')
    .map((reason) => reason.name.toLowerCase());
  return [...new Set(names)].sort();
}

export const UNOBSERVED_VALUE = '<not observed>';

export interface CurlReproduction {
  /** What the command reproduces, one line. */
  label: string;
  /** The command, preceded by `#` comment lines with the expected and the actual header values when this is the step that failed. */
  command: string;
  /** Caveats about values the browser did not let the extension see. */
  notes: string[];
}

/** Request headers that carry credentials: the browser sent them, and the server's answer may depend on them. */
const CREDENTIAL_REQUEST_HEADERS = new Set(['cookie', 'authorization']);

/** Whether a header of the actual request is one of those that decide the CORS outcome. */
function decidesOutcome(name: string, nonSimple: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return lower === 'origin' || lower === 'content-type' || CREDENTIAL_REQUEST_HEADERS.has(lower) || nonSimple.has(lower);
}

/** What the preflight itself is about: Origin and the Access-Control-Request-* headers. */
function preflightHeaderDecides(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'origin' || lower.startsWith('access-control-request-');
}

/**
 * The expected-versus-actual lines of the failed check, as comments above the command that
 * triggers it. An observation of the status reads "status", the others name a header.
 */
function expectationComments(entry: ReportEntry): string[] {
  // "expected: any" (of a status, say) is context for the explanation, nothing to look for.
  const observed = entry.verdict.observed.filter((o) => o.expected !== 'any');
  if (!entry.verdict.blocked || observed.length === 0) return [];
  const width = Math.max(...observed.map((o) => o.field.length));
  const lines = ['Look for these in the response:'];
  for (const observation of observed) {
    const field = observation.field.padEnd(width);
    lines.push(`  expected  ${field}: ${observation.expected}`);
    lines.push(`  actual    ${field}: ${observation.actual === null ? '(absent)' : observation.actual}`);
  }
  return lines.map(shellComment);
}

function withComments(comments: readonly string[], command: string): string {
  return comments.length === 0 ? command : `${comments.join('\n')}\n${command}`;
}

/** Whether the browser needed (or sent) a preflight for this exchange. */
function hadPreflight(entry: ReportEntry): boolean {
  return entry.preflight !== null || entry.verdict.stage === 'preflight' || entry.verdict.preflightReasons.length > 0;
}

function preflightReproduction(entry: ReportEntry): CurlReproduction {
  const origin = entry.initiator ?? UNOBSERVED_VALUE;
  let headers: HeaderLine[] = entry.preflight ? entry.preflight.request.headers.filter((h) => preflightHeaderDecides(h.name)) : [];
  const notes: string[] = [];
  if (!entry.preflight) {
    notes.push('The preflight was not observed (it may have come from the preflight cache); this is the preflight the browser sends for this request.');
  }
  if (headerValue(headers, 'Origin') === undefined) headers = withHeader(headers, 'Origin', origin);
  if (headerValue(headers, 'Access-Control-Request-Method') === undefined) {
    headers = withHeader(headers, 'Access-Control-Request-Method', entry.request.method.toUpperCase());
  }
  const requested = requestedHeaderNames(entry);
  if (headerValue(headers, 'Access-Control-Request-Headers') === undefined && requested.length > 0) {
    headers = withHeader(headers, 'Access-Control-Request-Headers', requested.join(','));
  }
  const command = curlCommand({ method: 'OPTIONS', url: entry.preflight?.url ?? entry.request.url, headers });
  return {
    label: 'Preflight (what the browser sent first)',
    command: withComments(entry.verdict.stage === 'preflight' ? expectationComments(entry) : [], command),
    notes,
  };
}

/** The URLs the actual request was sent to: the first one, then each redirect the browser followed. */
function sentUrls(entry: ReportEntry): string[] {
  if (entry.redirects.length === 0) return [entry.request.url];
  const urls = entry.redirects.map((hop) => hop.url);
  const last = entry.redirects[entry.redirects.length - 1]!;
  // A redirect-stage block means the browser refused to follow the last Location.
  const blockedAtRedirect = entry.verdict.blocked && entry.verdict.stage === 'redirect';
  if (!blockedAtRedirect && (entry.response !== null || entry.error === null)) urls.push(last.location);
  return urls;
}

function actualHeaders(entry: ReportEntry, notes: string[]): HeaderLine[] {
  if (entry.request.headers !== null) {
    const nonSimple = new Set(requestedHeaderNames(entry));
    return entry.request.headers.filter((h) => decidesOutcome(h.name, nonSimple));
  }
  notes.push(
    'The browser never sent the actual request (it stopped at the preflight), so its headers were not observed; ' +
      `this command sends the headers the preflight announced, with values marked ${UNOBSERVED_VALUE} where none was seen.`,
  );
  let headers: HeaderLine[] = [];
  for (const name of requestedHeaderNames(entry)) {
    const reason = entry.verdict.preflightReasons.find((r) => r.name.toLowerCase() === name && r.value !== undefined);
    headers.push({ name, value: reason?.value ?? UNOBSERVED_VALUE });
  }
  headers = withHeader(headers, 'Origin', entry.initiator ?? UNOBSERVED_VALUE);
  return headers;
}

/** Methods whose requests usually carry a body, which webRequest does not show with the headers. */
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function actualReproductions(entry: ReportEntry): CurlReproduction[] {
  const notes: string[] = [];
  if (METHODS_WITH_BODY.has(entry.request.method.toUpperCase())) {
    notes.push("The request body is not part of this report: add it with --data-binary '…' if the server needs it to answer.");
  }
  const headers = actualHeaders(entry, notes);
  const urls = sentUrls(entry);
  return urls.map((url, index) => {
    // Headers are as last sent; before a cross-origin redirect tainted it, Origin was the initiator's.
    const hopHeaders = index < urls.length - 1 && entry.initiator !== null ? withHeader(headers, 'Origin', entry.initiator) : headers;
    const label =
      urls.length === 1
        ? `Actual request (${entry.request.method.toUpperCase()})`
        : index === 0
          ? `Actual request (${entry.request.method.toUpperCase()}), before redirects`
          : `Actual request after redirect ${index} of ${entry.redirects.length}`;
    const command = curlCommand({ method: entry.request.method, url, headers: hopHeaders });
    // The failed check ran on the last response this chain reached.
    const failedHere = entry.verdict.stage !== 'preflight' && index === urls.length - 1;
    return { label, command: withComments(failedHere ? expectationComments(entry) : [], command), notes: index === 0 ? notes : [] };
  });
}

/** The commands that reproduce an exchange: the preflight when there was one, then the actual request (per redirect hop). */
export function curlReproductions(entry: ReportEntry): CurlReproduction[] {
  const reproductions: CurlReproduction[] = [];
  if (hadPreflight(entry)) reproductions.push(preflightReproduction(entry));
  reproductions.push(...actualReproductions(entry));
  return reproductions;
}

export function mentionsRedaction(commands: readonly CurlReproduction[]): boolean {
  return commands.some((c) => c.command.includes(REDACTED));
}
