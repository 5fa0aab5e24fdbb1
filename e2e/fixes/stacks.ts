/**
 * One runner per stack: the app (or, for web servers, the proxy config in front of a small Node
 * app) with a slot where its CORS layer goes, the broken CORS layer for a failure class in that
 * stack's own vocabulary, and how to start it on a free loopback port with every file, pid, log and
 * lock in a temporary directory (nothing under /etc or /var, no system service, no fixed port).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { BrokenCors, HeaderPair } from './classes';
import { freePort, makeTempDir, runToCompletion, startProcess, waitForPort } from './process';

const REPO = resolve(import.meta.dirname, '..', '..');
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Headers the app behind a proxy adds to its every response. */
  upstreamHeaders: HeaderPair[];
}

export interface StackRunner {
  id: string;
  /** The binary or package the stack needs, when it is not installed (then the suite cannot run it). */
  missing(): string | null;
  /** The installed versions, formatted as the engine's `verified.version`. */
  version(): Promise<string>;
  /** The stack's broken CORS layer for a class. */
  broken(spec: BrokenCors): string;
  /** Writes the app with `corsLayer` in its CORS slot and starts it. */
  start(corsLayer: string, options: StartOptions): Promise<RunningServer>;
}

const CORS_SLOT = '/*CORS*/';

function fill(template: string, corsLayer: string): string {
  if (!template.includes(CORS_SLOT)) throw new Error('template without a CORS slot');
  return template.replace(CORS_SLOT, () => corsLayer);
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, binary)));
}

function npmVersion(name: string): string {
  return JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version as string;
}

/** Starts a process in a fresh temp dir and waits for its port; the temp dir goes when it stops. */
async function serve(
  name: string,
  files: Record<string, string>,
  command: (dir: string, port: number) => { cmd: string; args: string[]; env?: Record<string, string> },
  cleanup: () => Promise<void> = async () => {},
): Promise<RunningServer> {
  // The free port is the OS's pick until the server binds it: another test on this machine may
  // take it in between, so a start that fails on an address in use is retried on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await serveOnce(name, files, command, cleanup);
    } catch (error) {
      if (attempt >= 3 || !/address already in use|EADDRINUSE|Address in use|bind\(\) to .* failed/i.test(String(error))) throw error;
    }
  }
}

async function serveOnce(
  name: string,
  files: Record<string, string>,
  command: (dir: string, port: number) => { cmd: string; args: string[]; env?: Record<string, string> },
  cleanup: () => Promise<void>,
): Promise<RunningServer> {
  const temp = makeTempDir(name);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(temp.dir, file), text);
  const port = await freePort();
  const { cmd, args, env } = command(temp.dir, port);
  const running = startProcess(cmd, args, { cwd: temp.dir, env: { HOME: temp.dir, XDG_CONFIG_HOME: temp.dir, XDG_DATA_HOME: temp.dir, ...env } });
  const stop = async () => {
    await running.stop();
    await cleanup();
    temp.remove();
  };
  try {
    await waitForPort(port, running);
  } catch (error) {
    // `cleanup` belongs to the caller until a server is running: a retry still needs it.
    await running.stop();
    temp.remove();
    throw error;
  }
  return { origin: `http://127.0.0.1:${port}`, stop };
}

// ---------------------------------------------------------------------------------------------
// Node.js frameworks. The app file lives in a temp dir with a node_modules link to this repo's.

function jsString(value: string): string {
  return JSON.stringify(value);
}
function jsValue(value: string, originVar: string): string {
  return value.includes('{origin}') ? value.split('{origin}').map(jsString).join(` + ${originVar} + `) : jsString(value);
}

function nodeServe(name: string, file: string, source: string): Promise<RunningServer> {
  return serve(name, { [file]: source }, (dir, port) => {
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    return { cmd: process.execPath, args: [file], env: { PORT: String(port), NODE_ENV: 'production' } };
  });
}

const express: StackRunner = {
  id: 'express',
  missing: () => null,
  version: async () => `express ${npmVersion('express')}, cors ${npmVersion('cors')}`,
  broken: (spec) =>
    [
      'app.use((req, res, next) => {',
      "  const origin = req.get('origin') || '';",
      ...spec.headers.map(([n, v]) => `  res.append(${jsString(n)}, ${jsValue(v, 'origin')});`),
      ...(spec.preflight
        ? [
            "  if (req.method === 'OPTIONS') {",
            ...spec.preflight.headers.map(([n, v]) => `    res.append(${jsString(n)}, ${jsValue(v, 'origin')});`),
            `    return res.status(${spec.preflight.status}).end();`,
            '  }',
          ]
        : []),
      '  next();',
      '});',
    ].join('\n'),
  start: (layer) =>
    nodeServe(
      'express',
      'app.cjs',
      fill(
        `const express = require('express');
const app = express();
/*CORS*/
app.use((req, res, next) => {
  if (req.path === '/auth' && !req.get('authorization')) return res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
  next();
});
app.all('/data', (req, res) => {
  if (req.method === 'OPTIONS') return res.status(405).set('Allow', 'GET, POST, PUT, DELETE, PATCH').end();
  res.set('X-Total-Count', '42').json({ ok: true });
});
app.get('/auth', (req, res) => res.json({ ok: true }));
app.get('/error', () => {
  throw new Error('lab failure');
});
app.listen(Number(process.env.PORT), '127.0.0.1');
`,
        layer,
      ),
    ),
};

const fastify: StackRunner = {
  id: 'fastify',
  missing: () => null,
  version: async () => `fastify ${npmVersion('fastify')}, @fastify/cors ${npmVersion('@fastify/cors')}`,
  broken: (spec) =>
    [
      "fastify.addHook('onRequest', async (req, reply) => {",
      "  const origin = req.headers.origin || '';",
      ...spec.headers.map(([n, v]) => `  reply.header(${jsString(n)}, ${jsValue(v, 'origin')});`),
      ...(spec.preflight
        ? [
            "  if (req.method === 'OPTIONS') {",
            ...spec.preflight.headers.map(([n, v]) => `    reply.header(${jsString(n)}, ${jsValue(v, 'origin')});`),
            `    reply.code(${spec.preflight.status}).send();`,
            '    return reply;',
            '  }',
          ]
        : []),
      '});',
    ].join('\n'),
  start: (layer) =>
    nodeServe(
      'fastify',
      'app.cjs',
      fill(
        `const fastify = require('fastify')();
async function main() {
/*CORS*/
  fastify.addHook('onRequest', async (req, reply) => {
    if (req.url.split('?')[0] === '/auth' && !req.headers.authorization) {
      reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized' });
      return reply;
    }
  });
  fastify.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/data', handler: async (req, reply) => {
    reply.header('X-Total-Count', '42');
    return { ok: true };
  } });
  fastify.get('/auth', async () => ({ ok: true }));
  fastify.get('/error', async () => {
    throw new Error('lab failure');
  });
  await fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`,
        layer,
      ),
    ),
};

const hono: StackRunner = {
  id: 'hono',
  missing: () => null,
  version: async () => `hono ${npmVersion('hono')}, @hono/node-server ${npmVersion('@hono/node-server')}`,
  broken: (spec) =>
    [
      "app.use('*', async (c, next) => {",
      "  const origin = c.req.header('origin') || '';",
      ...(spec.preflight
        ? [
            "  if (c.req.method === 'OPTIONS') {",
            `    const headers = new Headers();`,
            ...[...spec.headers, ...spec.preflight.headers].map(([n, v]) => `    headers.append(${jsString(n)}, ${jsValue(v, 'origin')});`),
            `    return new Response(null, { status: ${spec.preflight.status}, headers });`,
            '  }',
          ]
        : []),
      '  await next();',
      ...spec.headers.map(([n, v]) => `  c.res.headers.append(${jsString(n)}, ${jsValue(v, 'origin')});`),
      '});',
    ].join('\n'),
  start: (layer) =>
    nodeServe(
      'hono',
      'app.mjs',
      fill(
        `import { Hono } from 'hono';
import { serve } from '@hono/node-server';
const app = new Hono();
/*CORS*/
app.use('/auth', async (c, next) => {
  if (!c.req.header('authorization')) {
    c.header('WWW-Authenticate', 'Bearer');
    return c.json({ error: 'unauthorized' }, 401);
  }
  await next();
});
app.on(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], '/data', (c) => {
  c.header('X-Total-Count', '42');
  return c.json({ ok: true });
});
app.get('/auth', (c) => c.json({ ok: true }));
app.get('/error', () => {
  throw new Error('lab failure');
});
app.onError((error, c) => c.json({ error: 'internal' }, 500));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
`,
        layer,
      ),
    ),
};

// ---------------------------------------------------------------------------------------------
// Python: Debian's packages, for Debian's /usr/bin/python3 (not whatever python3 is on PATH).

function pyString(value: string): string {
  return JSON.stringify(value);
}
function pyValue(value: string): string {
  return value.includes('{origin}') ? value.split('{origin}').map(pyString).join(' + origin + ') : pyString(value);
}
function pythonHas(module: string): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  // Synchronous on purpose: asked once per run, before any server starts.
  return spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`]).status === 0;
}
async function pythonVersions(script: string): Promise<string> {
  return (await runToCompletion(SYSTEM_PYTHON, ['-c', script])).trim();
}

const django: StackRunner = {
  id: 'django',
  missing: () => (pythonHas('django') && pythonHas('corsheaders') ? null : 'python3-django and python3-django-cors-headers'),
  version: () =>
    pythonVersions('import django, importlib.metadata as m; print(f"Django {django.get_version()}, django-cors-headers {m.version(\'django-cors-headers\')}")'),
  broken: (spec) =>
    [
      'def broken_cors(get_response):',
      '    def middleware(request):',
      "        origin = request.META.get('HTTP_ORIGIN', '')",
      ...(spec.preflight
        ? [
            "        if request.method == 'OPTIONS':",
            `            response = HttpResponse(status=${spec.preflight.status})`,
            ...spec.preflight.headers.map(([n, v]) => `            response[${pyString(n)}] = ${pyValue(v)}`),
            '        else:',
            '            response = get_response(request)',
          ]
        : ['        response = get_response(request)']),
      ...spec.headers.map(([n, v]) => `        response[${pyString(n)}] = ${pyValue(v)}`),
      '        return response',
      '    return middleware',
      "MIDDLEWARE.insert(0, 'settings.broken_cors')",
    ].join('\n'),
  start: (layer) =>
    serve(
      'django',
      {
        'settings.py': fill(
          `from django.http import HttpResponse, JsonResponse
from django.urls import path

SECRET_KEY = 'cors-lab'
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
ROOT_URLCONF = 'settings'
USE_TZ = True
INSTALLED_APPS = []
MIDDLEWARE = ['django.middleware.common.CommonMiddleware', 'settings.require_auth']
DATABASES = {}

def require_auth(get_response):
    def middleware(request):
        if request.path == '/auth' and 'HTTP_AUTHORIZATION' not in request.META:
            response = JsonResponse({'error': 'unauthorized'}, status=401)
            response['WWW-Authenticate'] = 'Bearer'
            return response
        return get_response(request)
    return middleware

def data(request):
    if request.method == 'OPTIONS':
        response = HttpResponse(status=405)
        response['Allow'] = 'GET, POST, PUT, DELETE, PATCH'
        return response
    response = JsonResponse({'ok': True})
    response['X-Total-Count'] = '42'
    return response

def auth(request):
    return JsonResponse({'ok': True})

def error(request):
    raise RuntimeError('lab failure')

urlpatterns = [path('data', data), path('auth', auth), path('error', error)]

/*CORS*/
`,
          layer,
        ),
      },
      (dir, port) => ({
        cmd: SYSTEM_PYTHON,
        args: ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${port}`],
        env: { PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'settings', PYTHONDONTWRITEBYTECODE: '1' },
      }),
    ),
};

const flask: StackRunner = {
  id: 'flask',
  missing: () => (pythonHas('flask') && pythonHas('flask_cors') ? null : 'python3-flask and python3-flask-cors'),
  version: () => pythonVersions("import importlib.metadata as m; print(f\"Flask {m.version('flask')}, flask-cors {m.version('flask-cors')}\")"),
  broken: (spec) =>
    [
      ...(spec.preflight
        ? [
            '@app.before_request',
            'def broken_cors_preflight():',
            "    if request.method == 'OPTIONS':",
            "        origin = request.headers.get('Origin', '')",
            `        return '', ${spec.preflight.status}, [${spec.preflight.headers.map(([n, v]) => `(${pyString(n)}, ${pyValue(v)})`).join(', ')}]`,
          ]
        : []),
      '@app.after_request',
      'def broken_cors(response):',
      "    origin = request.headers.get('Origin', '')",
      ...spec.headers.map(([n, v]) => `    response.headers.add(${pyString(n)}, ${pyValue(v)})`),
      '    return response',
    ].join('\n'),
  start: (layer) =>
    serve(
      'flask',
      {
        'app.py': fill(
          `import os
from flask import Flask, jsonify, request

app = Flask(__name__)

/*CORS*/

@app.before_request
def require_auth():
    if request.path == '/auth' and 'Authorization' not in request.headers:
        return jsonify(error='unauthorized'), 401, {'WWW-Authenticate': 'Bearer'}

@app.route('/data', methods=['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])
def data():
    return jsonify(ok=True), 200, {'X-Total-Count': '42'}

@app.route('/auth')
def auth():
    return jsonify(ok=True)

@app.route('/error')
def error():
    raise RuntimeError('lab failure')

app.run(host='127.0.0.1', port=int(os.environ['PORT']))
`,
          layer,
        ),
      },
      (_dir, port) => ({ cmd: SYSTEM_PYTHON, args: ['app.py'], env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1' } }),
    ),
};

// ---------------------------------------------------------------------------------------------
// Ruby Rack with rack-cors, served by puma.

function rbValue(value: string): string {
  return value.includes('{origin}')
    ? value
        .split('{origin}')
        .map((part) => JSON.stringify(part))
        .join(' + origin + ')
    : JSON.stringify(value);
}

const rack: StackRunner = {
  id: 'rack',
  missing: () => (onPath('puma') && onPath('ruby') ? null : 'ruby, ruby-rack-cors and puma'),
  version: async () => {
    const out = await runToCompletion('ruby', ['-e', "require 'rack'; require 'rack/cors/version'; print Rack.release, ' ', Rack::Cors::VERSION"]);
    const [rackVersion, corsVersion] = out.trim().split(' ');
    const puma = (await runToCompletion('puma', ['--version'])).match(/(\d+\.\d+\.\d+)/)?.[1];
    return `rack ${rackVersion}, rack-cors ${corsVersion}, puma ${puma}`;
  },
  broken: (spec) =>
    [
      'class BrokenCors',
      '  def initialize(app)',
      '    @app = app',
      '  end',
      '  def call(env)',
      "    origin = env['HTTP_ORIGIN'] || ''",
      spec.preflight
        ? `    status, headers, body = env['REQUEST_METHOD'] == 'OPTIONS' ? [${spec.preflight.status}, {${spec.preflight.headers.map(([n, v]) => `${JSON.stringify(n.toLowerCase())} => ${rbValue(v)}`).join(', ')}}, []] : @app.call(env)`
        : '    status, headers, body = @app.call(env)',
      '    headers = headers.dup',
      ...spec.headers.map(([n, v]) => `    headers[${JSON.stringify(n.toLowerCase())}] = ${rbValue(v)}`),
      '    [status, headers, body]',
      '  end',
      'end',
      'use BrokenCors',
    ].join('\n'),
  start: (layer) =>
    serve(
      'rack',
      {
        'config.ru': fill(
          `class LabAuth
  def initialize(app)
    @app = app
  end
  def call(env)
    return [401, { 'content-type' => 'application/json', 'www-authenticate' => 'Bearer' }, ['{"error":"unauthorized"}']] if env['PATH_INFO'] == '/auth' && !env['HTTP_AUTHORIZATION']
    @app.call(env)
  end
end

class LabErrors
  def initialize(app)
    @app = app
  end
  def call(env)
    @app.call(env)
  rescue StandardError
    [500, { 'content-type' => 'application/json' }, ['{"error":"internal"}']]
  end
end

LabApp = lambda do |env|
  case env['PATH_INFO']
  when '/data'
    next [405, { 'allow' => 'GET, POST, PUT, DELETE, PATCH' }, []] if env['REQUEST_METHOD'] == 'OPTIONS'
    [200, { 'content-type' => 'application/json', 'x-total-count' => '42' }, ['{"ok":true}']]
  when '/auth' then [200, { 'content-type' => 'application/json' }, ['{"ok":true}']]
  when '/error' then raise 'lab failure'
  else [404, { 'content-type' => 'text/plain' }, ['not found']]
  end
end

/*CORS*/

use LabAuth
use LabErrors
run LabApp
`,
          layer,
        ),
      },
      (_dir, port) => ({ cmd: 'puma', args: ['-e', 'production', '-t', '1:4', '-b', `tcp://127.0.0.1:${port}`, 'config.ru'] }),
    ),
};

// ---------------------------------------------------------------------------------------------
// Go net/http: compiled in the temp dir (the build cache is Go's usual per-user one).

function goValue(value: string): string {
  return value.includes('{origin}')
    ? value
        .split('{origin}')
        .map((part) => JSON.stringify(part))
        .join(' + origin + ')
    : JSON.stringify(value);
}

const go: StackRunner = {
  id: 'go',
  missing: () => (onPath('go') ? null : 'golang-go'),
  version: async () => `go ${(await runToCompletion('go', ['env', 'GOVERSION'])).trim().replace(/^go/, '')}`,
  broken: (spec) =>
    [
      'func withCORS(next http.Handler) http.Handler {',
      '\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {',
      '\t\torigin := r.Header.Get("Origin")',
      '\t\t_ = origin',
      ...spec.headers.map(([n, v]) => `\t\tw.Header().Add(${JSON.stringify(n)}, ${goValue(v)})`),
      ...(spec.preflight
        ? [
            '\t\tif r.Method == http.MethodOptions {',
            ...spec.preflight.headers.map(([n, v]) => `\t\t\tw.Header().Add(${JSON.stringify(n)}, ${goValue(v)})`),
            `\t\t\tw.WriteHeader(${spec.preflight.status})`,
            '\t\t\treturn',
            '\t\t}',
          ]
        : []),
      '\t\tnext.ServeHTTP(w, r)',
      '\t})',
      '}',
    ].join('\n'),
  start: async (layer) => {
    const source = fill(
      `package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

/*CORS*/

func requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth" && r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", "Bearer")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, \`{"error":"unauthorized"}\`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/data", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			w.Header().Set("Allow", "GET, POST, PUT, DELETE, PATCH")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("X-Total-Count", "42")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, \`{"ok":true}\`)
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, \`{"ok":true}\`)
	})
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, \`{"error":"internal"}\`, http.StatusInternalServerError)
	})
	listener, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		panic(err)
	}
	panic(http.Serve(listener, withCORS(requireAuth(mux))))
}
`,
      layer,
    );
    const build = makeTempDir('go-build');
    try {
      writeFileSync(join(build.dir, 'main.go'), source);
      await runToCompletion('go', ['build', '-o', 'server', 'main.go'], { cwd: build.dir, env: { GO111MODULE: 'off', GOFLAGS: '' } });
      const binary = readFileSync(join(build.dir, 'server'));
      return await serve('go', {}, (dir, port) => {
        writeFileSync(join(dir, 'server'), binary, { mode: 0o755 });
        return { cmd: join(dir, 'server'), args: [], env: { PORT: String(port) } };
      });
    } finally {
      build.remove();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// PHP: the built-in web server with one router script, header() calls only.

function phpValue(value: string): string {
  const quote = (part: string) => `'${part.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return value.includes('{origin}') ? value.split('{origin}').map(quote).join(' . $origin . ') : quote(value);
}

const php: StackRunner = {
  id: 'php',
  missing: () => (onPath('php') ? null : 'php-cli'),
  version: async () => `PHP ${(await runToCompletion('php', ['-r', 'echo PHP_VERSION;'])).trim().replace(/-.*$/, '')} (built-in server)`,
  broken: (spec) =>
    [
      "$origin = $_SERVER['HTTP_ORIGIN'] ?? '';",
      ...spec.headers.map(([n, v]) => `header('${n}: ' . ${phpValue(v)}, false);`),
      ...(spec.preflight
        ? [
            "if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {",
            ...spec.preflight.headers.map(([n, v]) => `    header('${n}: ' . ${phpValue(v)}, false);`),
            `    http_response_code(${spec.preflight.status});`,
            '    exit;',
            '}',
          ]
        : []),
    ].join('\n'),
  start: (layer) =>
    serve(
      'php',
      {
        'index.php': fill(
          `<?php
/*CORS*/

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/auth' && !isset($_SERVER['HTTP_AUTHORIZATION'])) {
    http_response_code(401);
    header('WWW-Authenticate: Bearer');
    header('Content-Type: application/json');
    echo '{"error":"unauthorized"}';
    exit;
}
switch ($path) {
    case '/data':
        if ($_SERVER['REQUEST_METHOD'] === 'OPTIONS') {
            http_response_code(405);
            header('Allow: GET, POST, PUT, DELETE, PATCH');
            exit;
        }
        header('X-Total-Count: 42');
        header('Content-Type: application/json');
        echo '{"ok":true}';
        break;
    case '/auth':
        header('Content-Type: application/json');
        echo '{"ok":true}';
        break;
    case '/error':
        throw new RuntimeException('lab failure');
    default:
        http_response_code(404);
}
`,
          layer,
        ),
      },
      (dir, port) => ({
        cmd: 'php',
        args: ['-n', '-d', 'display_errors=0', '-d', 'log_errors=1', '-d', 'error_log=/dev/null', '-S', `127.0.0.1:${port}`, '-t', dir, join(dir, 'index.php')],
      }),
    ),
};

// ---------------------------------------------------------------------------------------------
// Web servers in front of an app: a small Node server stands for the app behind the proxy.

function startUpstream(extraHeaders: HeaderPair[]): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const origin = req.headers.origin ?? '';
    for (const [n, v] of extraHeaders) res.appendHeader(n, v.replaceAll('{origin}', origin));
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    req.resume();
    if (path === '/auth' && !req.headers.authorization) return json(401, '{"error":"unauthorized"}', { 'WWW-Authenticate': 'Bearer' });
    if (path === '/data') {
      if (req.method === 'OPTIONS') {
        res.writeHead(405, { Allow: 'GET, POST, PUT, DELETE, PATCH' });
        return res.end();
      }
      return json(200, '{"ok":true}', { 'X-Total-Count': '42' });
    }
    if (path === '/auth') return json(200, '{"ok":true}');
    if (path === '/error') return json(500, '{"error":"internal"}');
    json(404, '{"error":"not found"}');
  });
  return new Promise((resolvePort) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolvePort({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function proxied(
  name: string,
  options: StartOptions,
  files: (upstreamPort: number) => Record<string, string>,
  command: (dir: string, port: number) => { cmd: string; args: string[]; env?: Record<string, string> },
  configFile: string,
): Promise<RunningServer> {
  const upstream = await startUpstream(options.upstreamHeaders);
  try {
    const templates = files(upstream.port);
    // The listen port is only known in serve(); the config gets it through a placeholder.
    return await serve(
      name,
      {},
      (dir, port) => {
        for (const [file, text] of Object.entries(templates))
          writeFileSync(join(dir, file), text.replaceAll('{{PORT}}', String(port)).replaceAll('{{DIR}}', dir));
        return command(join(dir, configFile), port);
      },
      upstream.close,
    );
  } catch (error) {
    await upstream.close();
    throw error;
  }
}

function quoteConf(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const nginx: StackRunner = {
  id: 'nginx',
  missing: () => (existsSync('/usr/sbin/nginx') || onPath('nginx') ? null : 'nginx'),
  version: async () => `nginx ${(await runToCompletion(nginxBinary(), ['-v'])).match(/nginx\/(\S+)/)?.[1]}`,
  // The classic broken setup: add_header without `always`, so never on errors.
  broken: (spec) =>
    [
      ...spec.headers.map(([n, v]) => `add_header ${n} ${quoteConf(v.replaceAll('{origin}', '$http_origin'))};`),
      ...(spec.preflight
        ? [
            ...spec.preflight.headers.map(([n, v]) => `add_header ${n} ${quoteConf(v.replaceAll('{origin}', '$http_origin'))} always;`),
            'if ($request_method = OPTIONS) {',
            `    return ${spec.preflight.status};`,
            '}',
          ]
        : []),
    ].join('\n'),
  start: (layer, options) =>
    proxied(
      'nginx',
      options,
      (upstreamPort) => ({
        'nginx.conf': fill(
          `daemon off;
worker_processes 1;
pid {{DIR}}/nginx.pid;
error_log {{DIR}}/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path {{DIR}}/client_body;
    proxy_temp_path {{DIR}}/proxy;
    fastcgi_temp_path {{DIR}}/fastcgi;
    uwsgi_temp_path {{DIR}}/uwsgi;
    scgi_temp_path {{DIR}}/scgi;
    server {
        listen 127.0.0.1:{{PORT}};
/*CORS*/
        location / {
            proxy_pass http://127.0.0.1:${upstreamPort};
        }
    }
}
`,
          layer,
        ),
      }),
      (config) => ({ cmd: nginxBinary(), args: ['-p', dirOf(config), '-c', config, '-e', join(dirOf(config), 'error.log')] }),
      'nginx.conf',
    ),
};

function nginxBinary(): string {
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
}
function dirOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/'));
}

const APACHE_MODULES = '/usr/lib/apache2/modules';
const apacheBinary = () => (existsSync('/usr/sbin/apache2') ? '/usr/sbin/apache2' : 'apache2');

const apache: StackRunner = {
  id: 'apache',
  missing: () => (existsSync(join(APACHE_MODULES, 'mod_headers.so')) && existsSync(apacheBinary()) ? null : 'apache2'),
  version: async () => `Apache ${(await runToCompletion(apacheBinary(), ['-v'])).match(/Apache\/(\S+)/)?.[1]}`,
  broken: (spec) =>
    [
      ...spec.headers.map(([n, v]) =>
        v.includes('{origin}') ? `Header add ${n} ${quoteConf(v.replaceAll('{origin}', '%{ORIGIN}e'))} env=ORIGIN` : `Header add ${n} ${quoteConf(v)}`,
      ),
      ...(spec.headers.some(([, v]) => v.includes('{origin}')) || spec.preflight?.headers.some(([, v]) => v.includes('{origin}'))
        ? ['SetEnvIf Origin "^(.+)$" ORIGIN=$1']
        : []),
      ...(spec.preflight
        ? [
            ...spec.preflight.headers.map(
              ([n, v]) => `Header always add ${n} ${quoteConf(v.replaceAll('{origin}', '%{ORIGIN}e'))} "expr=%{REQUEST_METHOD} == 'OPTIONS'"`,
            ),
            ...spec.headers.map(
              ([n, v]) => `Header always add ${n} ${quoteConf(v.replaceAll('{origin}', '%{ORIGIN}e'))} "expr=%{REQUEST_METHOD} == 'OPTIONS'"`,
            ),
            'RewriteEngine On',
            'RewriteCond %{REQUEST_METHOD} =OPTIONS',
            `RewriteRule ^ - [R=${spec.preflight.status},L]`,
          ]
        : []),
    ].join('\n'),
  start: (layer, options) =>
    proxied(
      'apache',
      options,
      (upstreamPort) => ({
        'httpd.conf': fill(
          `ServerRoot "{{DIR}}"
ServerName 127.0.0.1
Listen 127.0.0.1:{{PORT}}
PidFile "{{DIR}}/httpd.pid"
ErrorLog "{{DIR}}/error.log"
LogLevel warn
Mutex file:{{DIR}} default
DefaultRuntimeDir "{{DIR}}"
ScoreBoardFile "{{DIR}}/scoreboard"
LoadModule mpm_event_module ${APACHE_MODULES}/mod_mpm_event.so
LoadModule authz_core_module ${APACHE_MODULES}/mod_authz_core.so
LoadModule headers_module ${APACHE_MODULES}/mod_headers.so
LoadModule setenvif_module ${APACHE_MODULES}/mod_setenvif.so
LoadModule rewrite_module ${APACHE_MODULES}/mod_rewrite.so
LoadModule proxy_module ${APACHE_MODULES}/mod_proxy.so
LoadModule proxy_http_module ${APACHE_MODULES}/mod_proxy_http.so
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
<VirtualHost 127.0.0.1:{{PORT}}>
/*CORS*/
    ProxyPass "/" "http://127.0.0.1:${upstreamPort}/"
</VirtualHost>
`,
          layer,
        ),
      }),
      (config) => ({ cmd: apacheBinary(), args: ['-f', config, '-DFOREGROUND'], env: { APACHE_RUN_DIR: dirOf(config), APACHE_LOCK_DIR: dirOf(config) } }),
      'httpd.conf',
    ),
};

const caddy: StackRunner = {
  id: 'caddy',
  missing: () => (onPath('caddy') ? null : 'caddy'),
  version: async () => `Caddy ${(await runToCompletion('caddy', ['version'])).trim().split(/\s+/)[0]!.replace(/^v/, '')}`,
  broken: (spec) =>
    [
      ...spec.headers.map(([n, v]) => `header +${n} ${quoteConf(v.replaceAll('{origin}', '{http.request.header.Origin}'))}`),
      ...(spec.preflight
        ? [
            '@broken_preflight method OPTIONS',
            ...spec.preflight.headers.map(([n, v]) => `header @broken_preflight +${n} ${quoteConf(v.replaceAll('{origin}', '{http.request.header.Origin}'))}`),
            `respond @broken_preflight ${spec.preflight.status}`,
          ]
        : []),
    ].join('\n'),
  start: (layer, options) =>
    proxied(
      'caddy',
      options,
      (upstreamPort) => ({
        Caddyfile: fill(
          `{
	admin off
	auto_https off
	storage file_system {{DIR}}/data
}
http://127.0.0.1:{{PORT}} {
/*CORS*/
	reverse_proxy 127.0.0.1:${upstreamPort}
}
`,
          layer,
        ),
      }),
      (config) => ({ cmd: 'caddy', args: ['run', '--config', config, '--adapter', 'caddyfile'] }),
      'Caddyfile',
    ),
};

/** In the engine's display order. */
export const STACK_RUNNERS: readonly StackRunner[] = [express, fastify, hono, django, flask, rack, go, php, nginx, apache, caddy];
