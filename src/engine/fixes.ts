/**
 * Ready-to-paste server configuration for the CORS policy an exchange needs, in the vocabulary of
 * each stack (../shared/reference/landscape.md §4), filled with the observed origin, method and
 * header names. Every snippet answers preflights with 204 and sends the headers on error responses too.
 */
import type { FixSnippet } from './types';

export interface ServerCorsPolicy {
  /** The page origin to allow, exactly as the browser serializes it. */
  origin: string;
  credentials: boolean;
  /** Methods to list in Access-Control-Allow-Methods (exact case). */
  methods: string[];
  /** Request header names to list in Access-Control-Allow-Headers (display case). */
  headers: string[];
}

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

function quoteJs(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
function quoteDouble(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// A page repeats the same failing call, so the same policy comes back again and again; rendering
// seven stacks is most of the cost of a blocked verdict.
const SNIPPET_CACHE = new Map<string, readonly FixSnippet[]>();
const SNIPPET_CACHE_LIMIT = 256;

export function renderFixSnippets(policy: ServerCorsPolicy): FixSnippet[] {
  const key = JSON.stringify([policy.origin, policy.credentials, policy.methods, policy.headers]);
  let snippets = SNIPPET_CACHE.get(key);
  if (snippets === undefined) {
    if (SNIPPET_CACHE.size >= SNIPPET_CACHE_LIMIT) SNIPPET_CACHE.clear();
    snippets = renderSnippets(policy);
    SNIPPET_CACHE.set(key, snippets);
  }
  // Fresh objects: a verdict's consumer (redaction, export) may edit what it was given.
  return snippets.map((snippet) => ({ ...snippet }));
}

function renderSnippets(policy: ServerCorsPolicy): FixSnippet[] {
  const methods = policy.methods.length > 0 ? policy.methods : ['GET', 'POST'];
  const methodsWithOptions = methods.includes('OPTIONS') ? methods : [...methods, 'OPTIONS'];
  const headers = policy.headers;
  const origin = policy.origin;
  const jsList = (items: string[]) => `[${items.map(quoteJs).join(', ')}]`;

  const express = [
    "const cors = require('cors');",
    '',
    'const corsOptions = {',
    `  origin: ${jsList([origin])},`,
    `  methods: ${jsList(methods)},`,
    headers.length > 0 ? `  allowedHeaders: ${jsList(headers)},` : null,
    policy.credentials ? '  credentials: true,' : null,
    '  maxAge: 600,',
    '};',
    '// Before any auth, redirect or error middleware, so preflights and error responses get the headers too.',
    'app.use(cors(corsOptions));',
    "app.options('*', cors(corsOptions));",
  ];

  const fastify = [
    "await fastify.register(require('@fastify/cors'), {",
    `  origin: ${jsList([origin])},`,
    `  methods: ${jsList(methods)},`,
    headers.length > 0 ? `  allowedHeaders: ${jsList(headers)},` : null,
    policy.credentials ? '  credentials: true,' : null,
    '  maxAge: 600,',
    '});',
  ];

  const originRegex = `^${regexEscape(origin)}$`;
  const nginx = [
    '# In the server or location block that serves the API.',
    '# `always` also sends the headers on 4xx/5xx responses.',
    "set $cors_origin '';",
    `if ($http_origin ~ '${originRegex}') {`,
    '    set $cors_origin $http_origin;',
    '}',
    "add_header 'Access-Control-Allow-Origin' $cors_origin always;",
    "add_header 'Vary' 'Origin' always;",
    policy.credentials ? "add_header 'Access-Control-Allow-Credentials' 'true' always;" : null,
    '',
    'if ($request_method = OPTIONS) {',
    "    add_header 'Access-Control-Allow-Origin' $cors_origin always;",
    "    add_header 'Vary' 'Origin' always;",
    policy.credentials ? "    add_header 'Access-Control-Allow-Credentials' 'true' always;" : null,
    `    add_header 'Access-Control-Allow-Methods' '${methodsWithOptions.join(', ')}' always;`,
    headers.length > 0 ? `    add_header 'Access-Control-Allow-Headers' '${headers.join(', ')}' always;` : null,
    "    add_header 'Access-Control-Max-Age' 600 always;",
    '    return 204;',
    '}',
  ];

  const apache = [
    '# mod_headers and mod_rewrite; `always` also covers error responses.',
    `SetEnvIf Origin "${originRegex.replace(/"/g, '\\"')}" CORS_ORIGIN=$0`,
    'Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN',
    'Header always merge Vary Origin',
    policy.credentials ? 'Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN' : null,
    `Header always set Access-Control-Allow-Methods "${methodsWithOptions.join(', ')}" env=CORS_ORIGIN`,
    headers.length > 0 ? `Header always set Access-Control-Allow-Headers "${headers.join(', ')}" env=CORS_ORIGIN` : null,
    'RewriteEngine On',
    'RewriteCond %{REQUEST_METHOD} OPTIONS',
    'RewriteRule ^ - [R=204,L]',
  ];

  const django = [
    '# settings.py (django-cors-headers); put CorsMiddleware as high as possible in MIDDLEWARE.',
    `CORS_ALLOWED_ORIGINS = [${quoteDouble(origin)}]`,
    `CORS_ALLOW_METHODS = [${methods.map(quoteDouble).join(', ')}]`,
    headers.length > 0
      ? `CORS_ALLOW_HEADERS = (*default_headers, ${headers.map((h) => quoteDouble(h.toLowerCase())).join(', ')})  # from corsheaders.defaults import default_headers`
      : null,
    policy.credentials ? 'CORS_ALLOW_CREDENTIALS = True' : null,
    'CORS_PREFLIGHT_MAX_AGE = 600',
  ];

  const spring = [
    '@Bean',
    'CorsConfigurationSource corsConfigurationSource() {',
    '    CorsConfiguration config = new CorsConfiguration();',
    `    config.setAllowedOrigins(List.of(${quoteDouble(origin)}));`,
    `    config.setAllowedMethods(List.of(${methodsWithOptions.map(quoteDouble).join(', ')}));`,
    headers.length > 0 ? `    config.setAllowedHeaders(List.of(${headers.map(quoteDouble).join(', ')}));` : null,
    policy.credentials ? '    config.setAllowCredentials(true);' : null,
    '    config.setMaxAge(600L);',
    '    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();',
    '    source.registerCorsConfiguration("/**", config);',
    '    return source;',
    '}',
    '// With Spring Security, also call http.cors(Customizer.withDefaults()) so preflights skip authentication.',
  ];

  const aspnet = [
    'builder.Services.AddCors(options => options.AddPolicy("Frontend", policy => policy',
    `    .WithOrigins(${quoteDouble(origin)})`,
    `    .WithMethods(${methods.map(quoteDouble).join(', ')})`,
    headers.length > 0 ? `    .WithHeaders(${headers.map(quoteDouble).join(', ')})` : null,
    policy.credentials ? '    .AllowCredentials()' : null,
    '    .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));',
    '// After UseRouting, before UseAuthentication/UseAuthorization:',
    'app.UseCors("Frontend");',
  ];

  const join = (lines: (string | null)[]) => lines.filter((line): line is string => line !== null).join('\n');
  return [
    { stack: 'express', label: 'Express (cors)', language: 'javascript', code: join(express) },
    { stack: 'fastify', label: 'Fastify (@fastify/cors)', language: 'javascript', code: join(fastify) },
    { stack: 'nginx', label: 'nginx', language: 'nginx', code: join(nginx) },
    { stack: 'apache', label: 'Apache httpd (mod_headers)', language: 'apache', code: join(apache) },
    { stack: 'django', label: 'Django (django-cors-headers)', language: 'python', code: join(django) },
    { stack: 'spring', label: 'Spring (CorsConfiguration)', language: 'java', code: join(spring) },
    { stack: 'aspnet', label: 'ASP.NET Core (CorsPolicyBuilder)', language: 'csharp', code: join(aspnet) },
  ];
}
