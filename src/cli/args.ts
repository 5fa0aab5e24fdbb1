/** Command-line parsing helpers shared by the subcommands. */
import type { HeaderLine } from '../engine/types';
import { isToken } from '../engine/http';

/** A mistake in the command line or a config file: exit code 2, the message without a stack trace. */
export class UsageError extends Error {}

/** `--header 'Name: value'` (curl's syntax). */
export function parseHeaderOption(text: string): HeaderLine {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header "${text}" is not "Name: value".`);
  const name = text.slice(0, colon).trim();
  if (!isToken(name)) throw new UsageError(`--header "${text}": "${name}" is not a valid header name.`);
  return { name, value: text.slice(colon + 1).trim() };
}

/** An origin as browsers serialize it: scheme://host[:port], no path, or "null". */
export function parseOriginOption(text: string): string {
  if (text === 'null') return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--origin "${text}" is not an origin such as https://app.example.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--origin "${text}" must be an http or https origin.`);
  if (url.origin !== text) throw new UsageError(`--origin "${text}" is not an origin; browsers send "${url.origin}" (no path, no trailing slash).`);
  return text;
}

export function parseUrlOption(text: string, flag = 'URL'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} "${text}" is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} "${text}" must be http or https.`);
  return url.href;
}

export function parseMethodOption(text: string): string {
  if (!isToken(text)) throw new UsageError(`--method "${text}" is not a valid method name.`);
  const upper = text.toUpperCase();
  if (upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK')
    throw new UsageError(`--method ${text}: browsers forbid this method, fetch() throws before sending anything.`);
  return text;
}
