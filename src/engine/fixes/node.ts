/** Node.js frameworks: each snippet is one middleware or plugin registration, pasted after the app is created. */
import { list, type StackFix } from './common';

const DUPLICATE_JS =
  '// Then remove Access-Control-Allow-Origin from the other layer (proxy add_header or a hand-written res.setHeader): only one may send it.';

export const express: StackFix = {
  stack: 'express',
  label: 'Express (cors)',
  language: 'javascript',
  versions: 'Express 4.x and 5.x with cors 2.8',
  verified: { version: 'express 5.3.0, cors 2.8.6' },
  comment: '//',
  render: (p) => [
    "const cors = require('cors'); // or: import cors from 'cors';",
    '',
    p.cause === 'preflight-refused-by-auth'
      ? '// Above your auth middleware: cors() answers the preflight (OPTIONS) itself, before auth can refuse it.'
      : p.cause === 'error-response'
        ? '// Above your routes: error handlers that run later keep the headers cors() already set.'
        : '// Above your routes and auth middleware; it also answers preflights (no app.options route needed).',
    'app.use(',
    '  cors({',
    `    origin: ${list([p.origin])}, // add your other front-end origins`,
    `    methods: ${list(p.methods)},`,
    p.headers.length > 0 ? `    allowedHeaders: ${list(p.headers)},` : null,
    p.credentials ? '    credentials: true,' : null,
    '    maxAge: 600,',
    '  }),',
    ');',
    p.cause === 'duplicate-allow-origin' ? DUPLICATE_JS : null,
  ],
};

export const fastify: StackFix = {
  stack: 'fastify',
  label: 'Fastify (@fastify/cors)',
  language: 'javascript',
  versions: 'Fastify 5.x with @fastify/cors 10 or 11',
  verified: { version: 'fastify 5.12.8, @fastify/cors 11.4.3' },
  comment: '//',
  render: (p) => [
    p.cause === 'preflight-refused-by-auth'
      ? '// Before your auth hook: the plugin answers the preflight in its own onRequest hook, which then runs first.'
      : '// Before your routes and auth hooks; it also answers preflights, error replies keep the headers.',
    "await fastify.register(require('@fastify/cors'), {",
    `  origin: ${list([p.origin])}, // add your other front-end origins`,
    `  methods: ${list(p.methods)},`,
    p.headers.length > 0 ? `  allowedHeaders: ${list(p.headers)},` : null,
    p.credentials ? '  credentials: true,' : null,
    '  maxAge: 600,',
    '});',
    p.cause === 'duplicate-allow-origin' ? DUPLICATE_JS.replace('res.setHeader', 'reply.header') : null,
  ],
};

export const hono: StackFix = {
  stack: 'hono',
  label: 'Hono (hono/cors)',
  language: 'javascript',
  versions: 'Hono 4.x (any runtime adapter)',
  verified: { version: 'hono 4.13.19, @hono/node-server 2.1.8' },
  comment: '//',
  render: (p) => [
    "import { cors } from 'hono/cors';",
    '',
    p.cause === 'preflight-refused-by-auth'
      ? '// Before your auth middleware: cors() answers the preflight (OPTIONS) itself, before auth can refuse it.'
      : '// Before your routes and auth middleware; it also answers preflights.',
    'app.use(',
    "  '*',",
    '  cors({',
    `    origin: ${list([p.origin])}, // add your other front-end origins`,
    `    allowMethods: ${list(p.methods)},`,
    p.headers.length > 0 ? `    allowHeaders: ${list(p.headers)},` : null,
    p.credentials ? '    credentials: true,' : null,
    '    maxAge: 600,',
    '  }),',
    ');',
    p.cause === 'duplicate-allow-origin' ? DUPLICATE_JS.replace('res.setHeader', 'c.header') : null,
  ],
};
