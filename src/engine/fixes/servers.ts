/**
 * Web servers and reverse proxies. Each snippet is pasted at the level that covers every
 * location of the API (nginx `server {}`, Apache `<VirtualHost>`, a Caddy site block) and answers
 * preflights there, before authentication or the proxied app can refuse them.
 */
import type { StackFix } from './common';

/** PCRE metacharacters, without `/`: Apache's regular expressions have no delimiters. */
function apacheRegexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const nginx: StackFix = {
  stack: 'nginx',
  label: 'nginx',
  language: 'nginx',
  versions: 'nginx 1.18 and later',
  verified: { version: 'nginx 1.22.1' },
  comment: '#',
  render: (p) => [
    '# Inside the server {} block of the API, above its locations. `always` also covers 4xx/5xx.',
    '# A location with add_header lines of its own drops these: repeat them there.',
    'set $cors_origin "";',
    '# More origins: one such if per origin, or a map $http_origin $cors_origin {} in http {}.',
    `if ($http_origin = "${p.origin}") {`,
    '    set $cors_origin $http_origin;',
    '}',
    p.cause === 'duplicate-allow-origin' ? '# The proxied app sends its own Access-Control-Allow-Origin: hide it, so only one reaches the browser.' : null,
    p.cause === 'duplicate-allow-origin' ? 'proxy_hide_header Access-Control-Allow-Origin;' : null,
    'add_header Access-Control-Allow-Origin $cors_origin always;',
    'add_header Vary Origin always;',
    p.credentials ? 'add_header Access-Control-Allow-Credentials true always;' : null,
    `add_header Access-Control-Allow-Methods "${p.methods.join(', ')}" always;`,
    p.headers.length > 0 ? `add_header Access-Control-Allow-Headers "${p.headers.join(', ')}" always;` : null,
    'add_header Access-Control-Max-Age 600 always;',
    '# Preflights are answered here (return is safe inside if), before auth or the upstream.',
    'if ($request_method = OPTIONS) {',
    '    return 204;',
    '}',
  ],
};

export const apache: StackFix = {
  stack: 'apache',
  label: 'Apache httpd (mod_headers)',
  language: 'apache',
  versions: 'Apache httpd 2.4 with mod_headers, mod_setenvif, mod_rewrite',
  verified: { version: 'Apache 2.4.71' },
  comment: '#',
  render: (p) => [
    '# In the <VirtualHost> of the API. `always` also covers error responses and proxied ones.',
    '# More origins: ^(https://a\\.example|https://b\\.example)$',
    `SetEnvIf Origin "^(${apacheRegexEscape(p.origin).replace(/"/g, '\\"')})$" CORS_ORIGIN=$1`,
    p.cause === 'duplicate-allow-origin' ? '# The proxied app sends its own Access-Control-Allow-Origin: drop it, so only one reaches the browser.' : null,
    p.cause === 'duplicate-allow-origin' ? 'Header onsuccess unset Access-Control-Allow-Origin' : null,
    'Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN',
    'Header always merge Vary Origin',
    p.credentials ? 'Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN' : null,
    `Header always set Access-Control-Allow-Methods "${p.methods.join(', ')}" env=CORS_ORIGIN`,
    p.headers.length > 0 ? `Header always set Access-Control-Allow-Headers "${p.headers.join(', ')}" env=CORS_ORIGIN` : null,
    'Header always set Access-Control-Max-Age "600" env=CORS_ORIGIN',
    '# Preflights are answered here, before auth or the proxied app can refuse them.',
    'RewriteEngine On',
    'RewriteCond %{REQUEST_METHOD} =OPTIONS',
    'RewriteCond %{HTTP:Access-Control-Request-Method} .',
    'RewriteRule ^ - [R=204,L]',
  ],
};

export const caddy: StackFix = {
  stack: 'caddy',
  label: 'Caddy',
  language: 'caddyfile',
  versions: 'Caddy 2.6 and later (Caddyfile)',
  verified: { version: 'Caddy 2.6.2' },
  comment: '#',
  render: (p) => [
    '# Inside the site block of the API. `defer` puts the headers on every response, errors',
    '# included, and replaces any the upstream sent itself. More origins: list them after Origin.',
    `@cors_origin header Origin ${p.origin}`,
    'header @cors_origin {',
    '\tAccess-Control-Allow-Origin {http.request.header.Origin}',
    p.credentials ? '\tAccess-Control-Allow-Credentials true' : null,
    `\tAccess-Control-Allow-Methods "${p.methods.join(', ')}"`,
    p.headers.length > 0 ? `\tAccess-Control-Allow-Headers "${p.headers.join(', ')}"` : null,
    '\tAccess-Control-Max-Age 600',
    '\tdefer',
    '}',
    'header +Vary Origin',
    ...(p.cause === 'duplicate-allow-origin'
      ? [
          '# The proxied app sends its own Access-Control-Allow-Origin: drop it for every other origin',
          '# too (a deletion is deferred to the response), so only the line above reaches the browser.',
          `@cors_other_origin not header Origin ${p.origin}`,
          'header @cors_other_origin -Access-Control-Allow-Origin',
        ]
      : []),
    '# Preflights are answered here, before auth or the upstream can refuse them.',
    '@cors_preflight {',
    '\tmethod OPTIONS',
    '\theader Access-Control-Request-Method *',
    '}',
    'respond @cors_preflight 204',
  ],
};
