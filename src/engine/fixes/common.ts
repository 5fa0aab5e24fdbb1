/**
 * What every stack's fix snippet is rendered from, and the small text helpers they share.
 * Pure string building: no I/O, so the engine stays usable in the worker, the panel and tests.
 */
import type { CorsErrorName } from '../types';

/**
 * What the failing exchange showed beyond the policy itself. Each cause adds the few lines its
 * stack needs (an ordering, `always`, removing a duplicate), and nothing else.
 */
export type FixCause =
  /** The preflight got 401/403: authentication ran before CORS. */
  | 'preflight-refused-by-auth'
  /** The response without CORS headers was a 4xx/5xx: the error path skips CORS. */
  | 'error-response'
  /** Two layers (a proxy and the app) each sent Access-Control-Allow-Origin. */
  | 'duplicate-allow-origin';

export interface ServerCorsPolicy {
  /** The page origin to allow, exactly as the browser serializes it. */
  origin: string;
  credentials: boolean;
  /** Methods to list in Access-Control-Allow-Methods (exact case). */
  methods: string[];
  /** Request header names to list in Access-Control-Allow-Headers (display case). */
  headers: string[];
  cause?: FixCause | null;
}

/** The cause a failed check points at, from the rule and the status of the response that failed it. */
export function fixCauseFor(rule: CorsErrorName, status: number | null): FixCause | null {
  if (rule === 'MultipleAllowOriginValues' || rule === 'PreflightMultipleAllowOriginValues') return 'duplicate-allow-origin';
  if (rule === 'PreflightInvalidStatus' && (status === 401 || status === 403)) return 'preflight-refused-by-auth';
  if (status !== null && status >= 400 && (rule === 'MissingAllowOriginHeader' || rule === 'PreflightMissingAllowOriginHeader')) {
    return rule === 'PreflightMissingAllowOriginHeader' && (status === 401 || status === 403) ? 'preflight-refused-by-auth' : 'error-response';
  }
  return null;
}

/** One stack's snippet renderer and what the verification suite proved it on. */
export interface StackFix {
  stack: string;
  label: string;
  language: string;
  /** Which major versions the snippet is written for, e.g. "Express 5.x, cors 2.8". */
  versions: string;
  /**
   * The exact versions e2e/fixes.e2e.ts applied the snippet to and saw Chromium pass; null when
   * the suite cannot run the stack. The suite fails when the installed version differs.
   */
  verified: { version: string } | null;
  /** The line comment of the snippet's language, for the provenance line. */
  comment: string;
  render(policy: Required<ServerCorsPolicy>): Array<string | null>;
}

export function provenanceLine(fix: StackFix): string {
  return fix.verified
    ? `${fix.comment} ${fix.versions}. Verified by CORS Doctor's test suite on ${fix.verified.version}.`
    : `${fix.comment} ${fix.versions}. NOT verified by CORS Doctor's test suite: check it on your server.`;
}

export function quoteSingle(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
export function quoteDouble(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
export function list(items: readonly string[], quote: (value: string) => string = quoteSingle): string {
  return `[${items.map(quote).join(', ')}]`;
}
