/** Rack (Ruby), Go's net/http and plain PHP: each snippet is self-contained code for the app's entry point. */
import { list, quoteDouble, quoteSingle, type StackFix } from './common';

export const rack: StackFix = {
  stack: 'rack',
  label: 'Rack (rack-cors)',
  language: 'ruby',
  versions: 'Rack 2.x and 3.x with rack-cors 1.1 or 2.x (Rails: config/initializers/cors.rb)',
  verified: { version: 'rack 2.2.22, rack-cors 1.1.1, puma 5.6.5' },
  comment: '#',
  render: (p) => [
    "# config.ru, above your auth middleware's `use` line: rack-cors answers preflights itself.",
    '# In Rails: config.middleware.insert_before 0, Rack::Cors do ... end',
    "require 'rack/cors'",
    '',
    'use Rack::Cors do',
    '  allow do',
    `    origins ${quoteSingle(p.origin)} # add your other front-end origins`,
    `    resource '*', headers: ${p.headers.length > 0 ? list(p.headers) : ':any'}, methods: ${list(
      [...p.methods, 'OPTIONS'].map((m) => m.toLowerCase()),
      (m) => `:${m}`,
    )}, credentials: ${p.credentials}, max_age: 600`,
    '  end',
    'end',
    p.cause === 'duplicate-allow-origin'
      ? '# Then remove Access-Control-Allow-Origin from the other layer (a proxy, or a header set by hand): only one may send it.'
      : null,
  ],
};

export const go: StackFix = {
  stack: 'go',
  label: 'Go (net/http)',
  language: 'go',
  versions: 'Go 1.19 and later, standard library only',
  verified: { version: 'go 1.19.8' },
  comment: '//',
  render: (p) => [
    '// Wrap the whole handler, outside any auth middleware, so preflights are answered before it runs:',
    '// http.ListenAndServe(addr, withCORS(mux))',
    'func withCORS(next http.Handler) http.Handler {',
    `\tallowed := map[string]bool{${quoteDouble(p.origin)}: true} // add your other front-end origins`,
    '\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {',
    '\t\torigin := r.Header.Get("Origin")',
    '\t\tw.Header().Add("Vary", "Origin")',
    '\t\tif allowed[origin] {',
    '\t\t\tw.Header().Set("Access-Control-Allow-Origin", origin)',
    p.credentials ? '\t\t\tw.Header().Set("Access-Control-Allow-Credentials", "true")' : null,
    '\t\t}',
    '\t\tif r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {',
    `\t\t\tw.Header().Set("Access-Control-Allow-Methods", ${quoteDouble(p.methods.join(', '))})`,
    p.headers.length > 0 ? `\t\t\tw.Header().Set("Access-Control-Allow-Headers", ${quoteDouble(p.headers.join(', '))})` : null,
    '\t\t\tw.Header().Set("Access-Control-Max-Age", "600")',
    '\t\t\tw.WriteHeader(http.StatusNoContent)',
    '\t\t\treturn',
    '\t\t}',
    '\t\tnext.ServeHTTP(w, r)',
    '\t})',
    '}',
    p.cause === 'duplicate-allow-origin'
      ? '// Then remove Access-Control-Allow-Origin from the other layer (a proxy, or a header set by hand): only one may send it.'
      : null,
  ],
};

export const php: StackFix = {
  stack: 'php',
  label: 'PHP (header())',
  language: 'php',
  versions: 'PHP 7.4 and 8.x, no framework',
  verified: { version: 'PHP 8.2.36 (built-in server)' },
  comment: '//',
  render: (p) => [
    '// At the very top of the entry script, before authentication, routing and any output.',
    `$allowedOrigins = [${quoteSingle(p.origin)}]; // add your other front-end origins`,
    "$origin = $_SERVER['HTTP_ORIGIN'] ?? '';",
    "header('Vary: Origin');",
    'if (in_array($origin, $allowedOrigins, true)) {',
    "    header('Access-Control-Allow-Origin: ' . $origin);",
    p.credentials ? "    header('Access-Control-Allow-Credentials: true');" : null,
    '}',
    "if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS' && isset($_SERVER['HTTP_ACCESS_CONTROL_REQUEST_METHOD'])) {",
    `    header(${quoteSingle(`Access-Control-Allow-Methods: ${p.methods.join(', ')}`)});`,
    p.headers.length > 0 ? `    header(${quoteSingle(`Access-Control-Allow-Headers: ${p.headers.join(', ')}`)});` : null,
    "    header('Access-Control-Max-Age: 600');",
    '    http_response_code(204);',
    '    exit;',
    '}',
    p.cause === 'duplicate-allow-origin'
      ? '// Then remove Access-Control-Allow-Origin from the other layer (a proxy, or a header set by hand): only one may send it.'
      : null,
  ],
};
