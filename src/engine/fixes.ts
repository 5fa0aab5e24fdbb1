/**
 * Ready-to-paste server configuration for the CORS policy an exchange needs, in the vocabulary of
 * each stack, filled with the observed origin, method and header names. One module per family in
 * fixes/; the order here is the order the panel and the exports show them in: the Node.js
 * frameworks, the other app frameworks, then the web servers and proxies, and last the stacks the
 * verification suite cannot run (marked so in their first line and in `verified: null`).
 *
 * Every verified snippet was pasted, as rendered here, into a real server of its stack by
 * e2e/fixes.e2e.ts, and Chromium passed the request it failed before (docs/fixes.md).
 */
import type { FixSnippet } from './types';
import { provenanceLine, type ServerCorsPolicy, type StackFix } from './fixes/common';
import { express, fastify, hono } from './fixes/node';
import { django, flask } from './fixes/python';
import { go, php, rack } from './fixes/others';
import { apache, caddy, nginx } from './fixes/servers';
import { aspnet, spring } from './fixes/unverified';

export type { FixCause, ServerCorsPolicy, StackFix } from './fixes/common';
export { fixCauseFor } from './fixes/common';

export const STACK_FIXES: readonly StackFix[] = [express, fastify, hono, django, flask, rack, go, php, nginx, apache, caddy, spring, aspnet];

/** The stack ids in display order. */
export const STACK_IDS: readonly string[] = STACK_FIXES.map((fix) => fix.stack);

const DISPLAY_NAMES: Record<string, string> = {
  authorization: 'Authorization',
  'content-type': 'Content-Type',
  'x-requested-with': 'X-Requested-With',
  'cache-control': 'Cache-Control',
  'if-none-match': 'If-None-Match',
  'if-modified-since': 'If-Modified-Since',
};

/** `x-api-key` → `X-Api-Key`: header names are case-insensitive, but configs read better this way. */
export function displayHeaderName(lowerName: string): string {
  return DISPLAY_NAMES[lowerName] ?? lowerName.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

// A page repeats the same failing call, so the same policy comes back again and again; rendering
// every stack is most of the cost of a blocked verdict.
const SNIPPET_CACHE = new Map<string, readonly FixSnippet[]>();
const SNIPPET_CACHE_LIMIT = 256;

export function renderFixSnippets(policy: ServerCorsPolicy): FixSnippet[] {
  const key = JSON.stringify([policy.origin, policy.credentials, policy.methods, policy.headers, policy.cause ?? null]);
  let snippets = SNIPPET_CACHE.get(key);
  if (snippets === undefined) {
    if (SNIPPET_CACHE.size >= SNIPPET_CACHE_LIMIT) SNIPPET_CACHE.clear();
    snippets = renderSnippets(policy);
    SNIPPET_CACHE.set(key, snippets);
  }
  // Fresh objects: a verdict's consumer (redaction, export) may edit what it was given.
  return snippets.map((snippet) => ({ ...snippet, verified: snippet.verified && { ...snippet.verified } }));
}

function renderSnippets(policy: ServerCorsPolicy): FixSnippet[] {
  const filled: Required<ServerCorsPolicy> = {
    origin: policy.origin,
    credentials: policy.credentials,
    methods: policy.methods.length > 0 ? policy.methods : ['GET', 'POST'],
    headers: policy.headers,
    cause: policy.cause ?? null,
  };
  return STACK_FIXES.map((fix) => ({
    stack: fix.stack,
    label: fix.label,
    language: fix.language,
    code: [provenanceLine(fix), ...fix.render(filled)].filter((line): line is string => line !== null).join('\n'),
    verified: fix.verified && { ...fix.verified },
    versions: fix.versions,
  }));
}
