/**
 * Byte-level HTTP helpers shared by the spec layer and the Chromium layer: UTF-8 lengths, tokens,
 * origins and schemes of URLs. Header-list lookups are in headers.ts. Kept allocation-light
 * because every observed request goes through them.
 */
import { asciiLowercase } from './headers';

// Header helpers, under the names src/cli and src/har import them by from here.
export {
  EMPTY_HEADERS,
  asciiLowercase,
  combinedHeaderValue as getHeader,
  countHeaderLines,
  headerNameIs,
  trimHttpTabOrSpace,
} from './headers';

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The length of a value in UTF-8 bytes, as TextEncoder counts it, without allocating an encoding:
 * what a header value weighs on the wire (webRequest hands over UTF-8 decoded text). A surrogate
 * pair is one code point of 4 bytes; a lone surrogate encodes as U+FFFD, 3 bytes.
 */
export function byteLength(value: string): number {
  // Nearly every value is pure ASCII: one native scan settles it.
  if (!NON_ASCII.test(value)) return value.length;
  let length = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      // 2 UTF-16 units already counted, 2 more bytes.
      length += 2;
      i++;
    } else length += 2;
  }
  return length;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

const TOKEN_CODE_POINTS = (() => {
  const table = new Uint8Array(128);
  const extra = "!#$%&'*+-.^_`|~";
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (const ch of extra) table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** RFC 9110 `token` (net::HttpUtil::IsToken): one or more tchar. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || TOKEN_CODE_POINTS[code] !== 1) return false;
  }
  return true;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

function isPlainHostCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0x5f;
}

/**
 * The serialized origin of a URL (https://html.spec.whatwg.org/#ascii-serialisation-of-an-origin),
 * or "null" for an opaque origin or an unparsable URL. The fast path covers lower-case http(s)
 * URLs with plain hosts, which is nearly all traffic; everything else goes through the URL parser.
 */
export function originOfUrl(url: string): string {
  let schemeEnd = -1;
  if (url.startsWith('https://')) schemeEnd = 5;
  else if (url.startsWith('http://')) schemeEnd = 4;
  if (schemeEnd > 0) {
    const hostStart = schemeEnd + 3;
    let i = hostStart;
    let portStart = -1;
    for (; i < url.length; i++) {
      const code = url.charCodeAt(i);
      if (code === 0x2f || code === 0x3f || code === 0x23) break;
      if (code === 0x3a && portStart < 0) {
        portStart = i;
        continue;
      }
      if (portStart >= 0) {
        if (code < 0x30 || code > 0x39) return originByParser(url);
      } else if (!isPlainHostCode(code)) return originByParser(url);
    }
    const hostEnd = portStart >= 0 ? portStart : i;
    if (hostEnd === hostStart) return originByParser(url);
    if (portStart < 0) return url.slice(0, i);
    const port = url.slice(portStart + 1, i);
    if (port.length === 0 || port.charCodeAt(0) === 0x30 || port === DEFAULT_PORTS[url.slice(0, schemeEnd + 1)]) {
      return originByParser(url);
    }
    return url.slice(0, i);
  }
  return originByParser(url);
}

function originByParser(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

function schemeOfUrl(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? asciiLowercase(url.slice(0, colon)) : '';
}

export function isHttpOrHttpsUrl(url: string): boolean {
  const scheme = schemeOfUrl(url);
  return scheme === 'http' || scheme === 'https';
}

/** Whether a URL carries a username or a password (https://url.spec.whatwg.org/#include-credentials). */
export function urlIncludesCredentials(url: string): boolean {
  // Userinfo only ever comes from an `@` in the authority; most URLs have none, and parsing is costly.
  if (!url.includes('@')) return false;
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** GURL-style validity of an `Access-Control-Allow-Origin` value: an absolute URL that parses. */
export function isValidAbsoluteUrl(value: string): boolean {
  // canParse: a throwing constructor costs far more than the parse on the failing path.
  return URL.canParse(value);
}

/** Origins that are potentially trustworthy (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy). */
export function isPotentiallyTrustworthyOrigin(origin: string): boolean {
  if (origin.startsWith('https://') || origin.startsWith('wss://')) return true;
  if (!origin.startsWith('http://')) return false;
  const host = origin.slice(7).replace(/:\d+$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
