/**
 * The one redaction policy of every export. Exports are pasted into bug trackers: by default no
 * credential that passed through the browser may survive in them, wherever it was quoted (header,
 * URL, redirect Location, curl command, a value quoted in an explanation, failedParameter, HAR
 * cookies).
 *
 * Redaction works on the report before any format sees it, so a format cannot forget a field.
 * It runs in two passes: structural (headers and URLs by name), then a sweep for the literal secret
 * values collected in the first pass, which catches quotes of them elsewhere.
 *
 * The sweep removes a secret from the data it came from and from wherever that data is quoted, and
 * never from the tool's own wording: data fields (headers, URLs, observed values, snippets) are
 * swept whole; the engine's prose (titles, explanations, fixes, evidence) only inside what it quotes
 * (`backticks`, 'quotes', URLs), except for secrets that cannot be a word of a sentence anyway; a fix
 * snippet counts as prose (values sit in its string literals). The
 * export formats' own text is never swept at all. A secret is matched as a whole token, so a
 * cookie value "secret" does not eat the start of "secret-looking".
 */
import type { HeaderLine, HeaderList, Verdict } from '../engine/types';
import type { Report, ReportEntry } from '../shared/report';

export const REDACTED = '[redacted]';

/** Headers whose whole value is a credential. */
const CREDENTIAL_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

/**
 * Words that mark a query parameter (or custom header) name as secret when they are a whole part
 * of the name ("api_key", "X-Amz-Signature", "accessToken").
 */
const SECRET_NAME_PARTS = new Set([
  'token',
  'key',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'sig',
  'signature',
  'code',
  'session',
  'sessionid',
  'sid',
  'auth',
  'jwt',
  'credential',
  'apikey',
  'otp',
  'nonce',
  'csrf',
  'xsrf',
  'bearer',
  'private',
  'saml',
  'ticket',
]);

/** Long, distinctive words that mark a name as secret even inside a compound ("xtoken", "mysecret"). */
const SECRET_NAME_SUBSTRINGS = ['token', 'secret', 'password', 'passwd', 'apikey', 'signature', 'credential', 'session', 'sessid', 'jwt', 'authorization'];

/** "auth", "authn", "authz", "authkey", "authcode": but not "author" or "authuser" (an account index). */
const AUTH_PART = /^auth(?:n|z|key|code|token)?s?$/;

/** Challenges name a scheme and realm, never a credential, and a 401 on a preflight is worth seeing. */
const NEVER_SECRET_HEADERS = new Set(['www-authenticate', 'proxy-authenticate']);

/**
 * CORS headers carry header names and methods, never credentials, and redacting them would hide
 * exactly what the report is about ("Access-Control-Allow-Credentials" contains "credential").
 */
const NEVER_SECRET_HEADER_PREFIXES = ['access-control-', 'sec-fetch-', 'sec-ch-'];

/** Free-text quotes of secrets shorter than this are left alone: replacing "1" everywhere would wreck the report. */
const MIN_LITERAL_SECRET_LENGTH = 6;

export interface RedactionOptions {
  includeSecrets?: boolean;
}

function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part.length > 0);
}

/** Whether a query parameter or header name looks like it carries a secret. */
export function isSecretName(name: string): boolean {
  const parts = nameParts(name);
  for (const part of parts) {
    if (SECRET_NAME_PARTS.has(part) || AUTH_PART.test(part)) return true;
    if (part.endsWith('s') && SECRET_NAME_PARTS.has(part.slice(0, -1))) return true;
  }
  const compact = parts.join('');
  return SECRET_NAME_SUBSTRINGS.some((word) => compact.includes(word));
}

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) return true;
  if (NEVER_SECRET_HEADERS.has(lower) || NEVER_SECRET_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))) return false;
  return isSecretName(lower);
}

function decodeQueryName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * Collects secrets and rewrites values. One instance per export: the secrets it met in headers and
 * URLs are then swept out of every other string of the report.
 */
export class Redactor {
  readonly enabled: boolean;
  private readonly secrets = new Set<string>();

  constructor(options: RedactionOptions = {}) {
    this.enabled = !options.includeSecrets;
  }

  private remember(secret: string): void {
    const trimmed = secret.trim();
    if (trimmed.length >= MIN_LITERAL_SECRET_LENGTH && trimmed !== REDACTED) this.secrets.add(trimmed);
    // A quote of the value may be percent-encoded (a URL) or decoded (an explanation).
    for (const variant of [safeDecode(trimmed), encodeURIComponent(trimmed)]) {
      if (variant.length >= MIN_LITERAL_SECRET_LENGTH && variant !== trimmed) this.secrets.add(variant);
    }
  }

  /** The `key=value` pairs of a query string or fragment, with secret values replaced. */
  private redactParams(params: string): string {
    return params
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const name = pair.slice(0, eq);
        const value = pair.slice(eq + 1);
        if (!isSecretName(decodeQueryName(name)) || value === '') return pair;
        this.remember(value);
        return `${name}=${REDACTED}`;
      })
      .join('&');
  }

  /**
   * A URL with userinfo and secret-looking query (and fragment) parameter values redacted. Works
   * on the string, not on `new URL()`, so that everything else stays byte-for-byte as observed.
   */
  url(url: string): string {
    if (!this.enabled) return url;
    let rest = url;
    let fragment: string | null = null;
    const hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = rest.slice(hash + 1);
      rest = rest.slice(0, hash);
    }
    let query: string | null = null;
    const question = rest.indexOf('?');
    if (question >= 0) {
      query = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
    const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/is.exec(rest);
    if (authority) {
      const [, scheme, hostPart, path] = authority as unknown as [string, string, string, string];
      const at = hostPart.lastIndexOf('@');
      if (at >= 0) {
        const userinfo = hostPart.slice(0, at);
        for (const piece of userinfo.split(':')) this.remember(piece);
        this.remember(userinfo);
        rest = `${scheme}${REDACTED}@${hostPart.slice(at + 1)}${path}`;
      }
    }
    let result = rest;
    if (query !== null) result += `?${this.redactParams(query)}`;
    if (fragment !== null) result += `#${this.redactParams(fragment)}`;
    return result;
  }

  /** URLs embedded in free text (Location values, Referer, explanations). */
  private urlsIn(text: string): string {
    if (!text.includes('://')) return text;
    return text.replace(URL_IN_TEXT, (found) => this.url(found));
  }

  header(line: HeaderLine): HeaderLine {
    if (!this.enabled) return line;
    if (isCredentialHeader(line.name)) {
      this.rememberCredentialHeader(line);
      return { name: line.name, value: REDACTED };
    }
    return { name: line.name, value: this.urlsIn(line.value) };
  }

  private rememberCredentialHeader(line: HeaderLine): void {
    const lower = line.name.toLowerCase();
    this.remember(line.value);
    if (lower === 'cookie') {
      for (const pair of line.value.split(';')) {
        const eq = pair.indexOf('=');
        if (eq >= 0) this.remember(pair.slice(eq + 1));
      }
    } else if (lower === 'set-cookie') {
      const first = line.value.split(';')[0] ?? '';
      const eq = first.indexOf('=');
      this.remember(eq >= 0 ? first.slice(eq + 1) : first);
    } else if (lower.endsWith('authorization')) {
      // "Bearer abc": the credentials after the scheme, and for Basic also what they decode to.
      const credentials = line.value.replace(/^\s*\S+\s+/, '');
      this.remember(credentials);
      if (/^\s*basic\s/i.test(line.value)) {
        const decoded = decodeBase64(credentials);
        if (decoded) {
          this.remember(decoded);
          for (const piece of decoded.split(':')) this.remember(piece);
        }
      }
    }
  }

  headers(list: HeaderList): HeaderLine[];
  headers(list: HeaderList | null): HeaderLine[] | null;
  headers(list: HeaderList | null): HeaderLine[] | null {
    return list === null ? null : list.map((line) => this.header(line));
  }

  /** A cookie value for a HAR cookies array. */
  cookieValue(value: string): string {
    if (!this.enabled) return value;
    this.remember(value);
    return REDACTED;
  }

  private sweepCache: { size: number; all: RegExp | null; distinctive: RegExp | null } | null = null;

  /** One alternation per kind of secret, longest first, so that a secret containing another is replaced whole. */
  private patterns(): { all: RegExp | null; distinctive: RegExp | null } {
    if (this.sweepCache?.size !== this.secrets.size) {
      const secrets = [...this.secrets].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
      const build = (list: string[]) => (list.length === 0 ? null : new RegExp(list.map(tokenPattern).join('|'), 'gu'));
      this.sweepCache = { size: this.secrets.size, all: build(secrets), distinctive: build(secrets.filter((secret) => !couldBeAWord(secret))) };
    }
    return this.sweepCache;
  }

  /** Most strings quote no secret: a substring test spares them the token regex. */
  private quotesASecret(text: string): boolean {
    for (const secret of this.secrets) if (text.includes(secret)) return true;
    return false;
  }

  /** Data (a header value, a URL, a quoted value): embedded URLs redacted, then every secret met so far, as a whole token. */
  text(text: string): string {
    if (!this.enabled) return text;
    const result = this.urlsIn(text);
    if (!this.quotesASecret(result)) return result;
    const pattern = this.patterns().all;
    return pattern === null ? result : result.replace(pattern, REDACTED);
  }

  /**
   * The engine's prose: only what it quotes (code spans, quoted strings, URLs) is data. A secret that
   * could be a word ("secret", "Orders") is left alone outside quotes, so the sentence stays the
   * tool's; one that cannot (digits, punctuation, long) is removed wherever it stands.
   */
  prose(text: string): string {
    if (!this.enabled) return text;
    const quoted = text.replace(QUOTED_SPAN, (span) => this.text(span));
    if (!this.quotesASecret(quoted)) return quoted;
    const pattern = this.patterns().distinctive;
    return pattern === null ? quoted : quoted.replace(pattern, REDACTED);
  }

  /** Every string in a JSON-like value, through `text` (data). */
  deep<T>(value: T): T {
    return this.enabled ? everyString(value, (text) => this.text(text)) : value;
  }

  /**
   * A verdict: its observed values are data, its sentences prose. Every string is first treated as
   * prose, so a field added to verdicts later is never left unswept; the data fields are then swept whole.
   */
  verdict(verdict: Verdict): Verdict {
    if (!this.enabled) return verdict;
    // Titles, explanations, fixes (a snippet too: the tool's code, observed values in its string
    // literals), traps, evidence, messages, warnings, cause: prose.
    const swept = everyString(verdict, (text) => this.prose(text));
    return {
      ...swept,
      failedParameter: this.text(verdict.failedParameter),
      networkError: verdict.networkError === null ? null : this.text(verdict.networkError),
      observed: verdict.observed.map((o) => ({
        ...o,
        field: this.text(o.field),
        expected: this.text(o.expected),
        actual: o.actual === null ? null : this.text(o.actual),
      })),
      preflightReasons: swept.preflightReasons.map((reason, index) => {
        const original = verdict.preflightReasons[index]!;
        return { ...reason, name: this.text(original.name), ...(original.value === undefined ? {} : { value: this.text(original.value) }) };
      }),
    };
  }
}

/** A URL in free text; a sentence's closing punctuation after it is not part of it. */
const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[^\s"'<>`]*[^\s"'<>`.,;:!?)]/gi;

/**
 * What prose quotes: a code span, a string in straight or typographic quotes (an opening quote
 * follows a space or bracket, so "the server's" holds none), or a URL.
 */
const QUOTED_SPAN =
  /`[^`]*`|(?<=^|[\s(\[:=])'[^'\n]*'(?=$|[\s).,;:!?\]])|(?<=^|[\s(\[:=])"[^"\n]*"(?=$|[\s).,;:!?\]])|‘[^’\n]*’|“[^”\n]*”|\b(?:https?|wss?):\/\/[^\s"'<>`]*[^\s"'<>`.,;:!?)]/gi;

/** A secret that a sentence could contain as a word: letters only, short. Others cannot collide with prose. */
function couldBeAWord(secret: string): boolean {
  return /^[\p{L}]{1,15}$/u.test(secret);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A secret as a whole token: not part of a longer word, number or hyphenated name, so that a value
 * "request" leaves `x-request-id` alone.
 */
function tokenPattern(secret: string): string {
  const head = /^[\p{L}\p{N}_]/u.test(secret) ? '(?<![\\p{L}\\p{N}_-])' : '';
  const tail = /[\p{L}\p{N}_]$/u.test(secret) ? '(?![\\p{L}\\p{N}_-])' : '';
  return `${head}${escapeRegExp(secret)}${tail}`;
}

/** `value` with every string in it (at any depth) replaced by `map` of it. */
function everyString<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item) => everyString(item, map)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = everyString(item, map);
    return out as T;
  }
  return value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function decodeBase64(text: string): string | null {
  if (!/^[A-Za-z0-9+/]+=*$/.test(text.trim())) return null;
  try {
    const binary = atob(text.trim());
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function redactEntryStructure(entry: ReportEntry, redactor: Redactor): ReportEntry {
  return {
    ...entry,
    frameUrl: entry.frameUrl === null ? null : redactor.url(entry.frameUrl),
    request: { ...entry.request, url: redactor.url(entry.request.url), headers: redactor.headers(entry.request.headers) },
    preflight:
      entry.preflight === null
        ? null
        : {
            ...entry.preflight,
            url: redactor.url(entry.preflight.url),
            request: { headers: redactor.headers(entry.preflight.request.headers) },
            response: entry.preflight.response === null ? null : { ...entry.preflight.response, headers: redactor.headers(entry.preflight.response.headers) },
            ...(entry.preflight.redirectedTo != null ? { redirectedTo: redactor.url(entry.preflight.redirectedTo) } : {}),
          },
    redirects: entry.redirects.map((hop) => ({
      ...hop,
      url: redactor.url(hop.url),
      location: redactor.url(hop.location),
      headers: redactor.headers(hop.headers),
    })),
    response: entry.response === null ? null : { ...entry.response, headers: redactor.headers(entry.response.headers) },
  };
}

/** After the structural pass: the verdict by its own rules, every other string as data. */
function sweepEntry(entry: ReportEntry, redactor: Redactor): ReportEntry {
  const { verdict, ...data } = entry;
  return { ...redactor.deep(data), verdict: redactor.verdict(verdict) };
}

/**
 * The report as every export sees it. With `includeSecrets` it is the report itself; otherwise a
 * copy in which no collected secret survives in any string. The redactor is returned too, so that a
 * format that derives extra strings from original data (HAR cookie arrays) redacts them the same way.
 */
export function redactReport(report: Report, options: RedactionOptions = {}): { report: Report; redactor: Redactor } {
  const redactor = new Redactor(options);
  if (!redactor.enabled) return { report, redactor };
  const structural: Report = {
    ...report,
    tab: { ...report.tab, url: report.tab.url === null ? null : redactor.url(report.tab.url) },
    entries: report.entries.map((entry) => redactEntryStructure(entry, redactor)),
  };
  const { entries, notices, tool, ...data } = structural;
  return {
    report: {
      // The structural copy first, for the key order of the JSON export.
      ...structural,
      ...redactor.deep(data),
      tool,
      entries: entries.map((entry) => sweepEntry(entry, redactor)),
      // The worker's notices are the tool's sentences about the log, never traffic.
      ...(notices === undefined ? {} : { notices }),
    },
    redactor,
  };
}
