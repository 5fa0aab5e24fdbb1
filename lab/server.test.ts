import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TINY_FONT } from './assets/tiny-font';
import { inlineRouteUrl, startLab, type Lab } from './server';

interface RawResponse {
  status: number;
  /** Header lines exactly as received: [name, value] in order, duplicates kept. */
  lines: Array<[string, string]>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

interface RawRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** Connect to this address instead of resolving the URL's host (the Host header stays the URL's). */
  address?: string;
  agent?: Agent;
  /** For https URLs: the certificate to trust (the lab's own). */
  ca?: string;
}

/** One request with Node's http client, which (unlike fetch) exposes every raw header line. */
function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : request;
    const req = send(
      {
        ...(options.ca !== undefined && { ca: options.ca }),
        host: options.address ?? target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        headers: { Host: target.host, ...options.headers },
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const lines: Array<[string, string]> = [];
          for (let index = 0; index + 1 < res.rawHeaders.length; index += 2) {
            lines.push([res.rawHeaders[index]!, res.rawHeaders[index + 1]!]);
          }
          resolve({ status: res.statusCode ?? 0, lines, headers: res.headers, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function linesNamed(response: RawResponse, name: string): string[] {
  return response.lines.filter(([line]) => line.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
}

const ACAO = 'Access-Control-Allow-Origin';

describe('the CORS lab server', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab.close();
  });
  beforeEach(() => lab.reset());

  it('serves the page origin on 127.0.0.1 and both API origins on localhost, each on its own port', () => {
    expect(lab.origins.page).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lab.origins.api).toMatch(/^http:\/\/localhost:\d+$/);
    expect(lab.origins.api2).toMatch(/^http:\/\/localhost:\d+$/);
    expect(lab.origins.https).toMatch(/^https:\/\/localhost:\d+$/);
    const ports = Object.values(lab.origins).map((origin) => new URL(origin).port);
    expect(new Set(ports).size).toBe(4);
    expect(lab.addresses.page).toEqual([`127.0.0.1:${new URL(lab.origins.page).port}`]);
    for (const name of ['api', 'api2', 'https'] as const) {
      const port = new URL(lab.origins[name]).port;
      expect(lab.addresses[name][0]).toBe(`127.0.0.1:${port}`);
      expect(lab.addresses[name].slice(1)).toEqual(lab.addresses[name].length > 1 ? [`[::1]:${port}`] : []);
    }
  });

  it('serves the https origin with its self-signed certificate, whose SPKI hash it reports', async () => {
    const url = lab.route('https', '/over-tls', { response: { body: 'json', headers: [[ACAO, '{origin}']] } });
    // Trusting nothing but the lab's certificate: the handshake succeeds only if the server presents it.
    const { status, body, spkiHash, acao } = await new Promise<{ status: number; body: string; spkiHash: string; acao: unknown }>((resolve, reject) => {
      const req = httpsRequest(url, { ca: lab.tls.cert, headers: { Origin: lab.origins.page }, agent: false }, (res) => {
        const spki = (res.socket as TLSSocket).getPeerX509Certificate()!.publicKey.export({ type: 'spki', format: 'der' });
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            spkiHash: createHash('sha256').update(spki).digest('base64'),
            acao: res.headers['access-control-allow-origin'],
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
    expect({ status, body, acao }).toEqual({ status: 200, body: '{"ok":true}', acao: lab.origins.page });
    expect(spkiHash).toBe(lab.tls.spkiHash);
    expect(lab.tls.chromiumArgs).toEqual([`--ignore-certificate-errors-spki-list=${lab.tls.spkiHash}`]);
    // Without being told to trust it, a client refuses the certificate.
    await expect(new Promise((resolve, reject) => httpsRequest(url, { agent: false }, resolve).on('error', reject).end())).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(lab.requests({ origin: 'https', path: '/over-tls' })).toHaveLength(1);
  });

  it('answers a localhost origin on both 127.0.0.1 and ::1', async (context) => {
    const url = lab.route('api', '/both-families', { response: { body: 'json' } });
    const viaIpv4 = await rawRequest(url, { address: '127.0.0.1' });
    expect(viaIpv4.status).toBe(200);
    if (lab.addresses.api.length < 2) {
      context.skip('::1 is not available on this machine, so the lab listens on 127.0.0.1 only');
    }
    const viaIpv6 = await rawRequest(url, { address: '::1' });
    expect(viaIpv6.status).toBe(200);
    expect(viaIpv6.body.toString()).toBe('{"ok":true}');
  });

  it('sends the status, the listed headers in order, the body, and no CORS headers of its own', async () => {
    const url = lab.route('api', '/status', {
      response: {
        status: 418,
        headers: [
          ['X-First', '1'],
          ['X-Second', '2'],
          ['X-Third', '3'],
        ],
        body: 'json',
      },
    });
    const response = await rawRequest(url, { headers: { Origin: lab.origins.page } });
    expect(response.status).toBe(418);
    const custom = response.lines.filter(([name]) => name.startsWith('X-'));
    expect(custom).toEqual([
      ['X-First', '1'],
      ['X-Second', '2'],
      ['X-Third', '3'],
    ]);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.toString()).toBe('{"ok":true}');
    expect(response.lines.some(([name]) => name.toLowerCase().startsWith('access-control-'))).toBe(false);
  });

  it('sends duplicate header lines as separate lines', async () => {
    const url = lab.route('api', '/twice', {
      response: {
        headers: [
          [ACAO, '{origin}'],
          [ACAO, '{origin}'],
        ],
        body: 'json',
      },
    });
    const response = await rawRequest(url, { headers: { Origin: lab.origins.page } });
    expect(linesNamed(response, ACAO)).toEqual([lab.origins.page, lab.origins.page]);
  });

  it('keeps a Cache-Control or Content-Type the spec sets instead of adding its own', async () => {
    const url = lab.route('api', '/cached', {
      response: {
        headers: [
          ['Cache-Control', 'max-age=60'],
          ['Content-Type', 'application/x-lab'],
        ],
        body: 'json',
        contentType: 'text/ignored',
      },
    });
    const response = await rawRequest(url);
    expect(linesNamed(response, 'cache-control')).toEqual(['max-age=60']);
    expect(linesNamed(response, 'content-type')).toEqual(['application/x-lab']);
  });

  it('uses contentType over the body kind default, and text/plain for a literal string body', async () => {
    const typed = await rawRequest(lab.route('api', '/typed', { response: { body: 'json', contentType: 'text/plain' } }));
    expect(typed.headers['content-type']).toBe('text/plain');
    const literal = await rawRequest(lab.route('api', '/literal', { response: { body: 'hello, lab' } }));
    expect(literal.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(literal.body.toString()).toBe('hello, lab');
    const bytes = await rawRequest(lab.route('api', '/bytes', { response: { body: new Uint8Array([1, 2, 3]) } }));
    expect(bytes.headers['content-type']).toBe('application/octet-stream');
    expect([...bytes.body]).toEqual([1, 2, 3]);
  });

  it('serves the built-in bodies with their types', async () => {
    const get = (body: string) => rawRequest(inlineRouteUrl(lab.origins.api2, { response: { body } }, `kind-${body}`));
    const font = await get('font');
    expect(font.headers['content-type']).toBe('font/ttf');
    expect(Buffer.compare(font.body, Buffer.from(TINY_FONT))).toBe(0);
    expect(font.body.readUInt32BE(0)).toBe(0x00010000);
    const image = await get('image');
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const module = await get('module');
    expect(module.headers['content-type']).toBe('text/javascript');
    expect(module.body.toString().trim()).toBe('export default 1;');
    expect((await get('css')).headers['content-type']).toBe('text/css');
    expect((await get('html')).headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get('text')).headers['content-type']).toBe('text/plain; charset=utf-8');
    const empty = await get('empty');
    expect(empty.body.length).toBe(0);
    expect(empty.headers['content-type']).toBeUndefined();
    expect(empty.headers['content-length']).toBe('0');
  });

  it('answers OPTIONS with the preflight spec and every other method with the response spec', async () => {
    const url = lab.route('api', '/preflighted', {
      preflight: {
        status: 204,
        headers: [
          [ACAO, '{origin}'],
          ['Access-Control-Allow-Methods', 'PUT'],
        ],
      },
      response: { headers: [[ACAO, '{origin}']], body: 'text' },
    });
    const preflight = await rawRequest(url, { method: 'OPTIONS', headers: { Origin: lab.origins.page, 'Access-Control-Request-Method': 'PUT' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('PUT');
    expect(preflight.headers['content-length']).toBeUndefined();
    const actual = await rawRequest(url, { method: 'PUT', body: 'hello', headers: { Origin: lab.origins.page } });
    expect(actual.status).toBe(200);
    expect(actual.body.toString()).toBe('CORS lab: ok\n');
    expect(actual.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('answers 404 without CORS headers when the route has no answer for the method, or there is no route', async () => {
    const simpleOnly = lab.route('api', '/simple-only', { response: { headers: [[ACAO, '*']], body: 'json' } });
    const unansweredPreflight = await rawRequest(simpleOnly, { method: 'OPTIONS', headers: { Origin: lab.origins.page } });
    expect(unansweredPreflight.status).toBe(404);
    expect(unansweredPreflight.headers[ACAO.toLowerCase()]).toBeUndefined();
    const preflightOnly = lab.route('api', '/preflight-only', { preflight: { status: 204, headers: [[ACAO, '*']] } });
    expect((await rawRequest(preflightOnly)).status).toBe(404);
    const unknown = await rawRequest(`${lab.origins.api2}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.toString()).toContain('no route for GET /nowhere on api2');
  });

  it('matches routes by path, ignoring the query', async () => {
    const url = lab.route('api', '/queried?first=1', { response: { body: 'json' } });
    expect(url).toBe(`${lab.origins.api}/queried?first=1`);
    expect((await rawRequest(`${lab.origins.api}/queried?other=2`)).status).toBe(200);
  });

  it('redirects with a templated Location, absolute or a path on the answering origin', async () => {
    const absolute = lab.route('api', '/hop', { response: { headers: [[ACAO, '{origin}']], redirect: { to: '{api2}/landing?from={origin}' } } });
    const hop = await rawRequest(absolute, { headers: { Origin: lab.origins.page } });
    expect(hop.status).toBe(302);
    expect(hop.headers.location).toBe(`${lab.origins.api2}/landing?from=${lab.origins.page}`);
    expect(hop.headers['access-control-allow-origin']).toBe(lab.origins.page);

    const relative = lab.route('api2', '/moved', { response: { redirect: { to: '/moved/', status: 307 } } });
    const moved = await rawRequest(relative);
    expect(moved.status).toBe(307);
    expect(moved.headers.location).toBe(`${lab.origins.api2}/moved/`);

    const withCredentials = lab.route('api', '/userinfo', { response: { redirect: { to: 'http://lab:secret@localhost:1/target' } } });
    expect((await rawRequest(withCredentials)).headers.location).toBe('http://lab:secret@localhost:1/target');
  });

  it('fills {origin} with the request Origin, or nothing when there is none, and {page} {api} {api2} with the lab origins', async () => {
    const url = lab.route('api', '/template', {
      response: {
        headers: [
          [ACAO, '{origin}'],
          ['X-Origins', '{page} {api} {api2}'],
        ],
        body: 'json',
      },
    });
    const withOrigin = await rawRequest(url, { headers: { Origin: 'null' } });
    expect(withOrigin.headers['access-control-allow-origin']).toBe('null');
    expect(withOrigin.headers['x-origins']).toBe(`${lab.origins.page} ${lab.origins.api} ${lab.origins.api2}`);
    const withoutOrigin = await rawRequest(url);
    expect(linesNamed(withoutOrigin, ACAO)).toEqual(['']);
  });

  it('drops the connection without an answer', async () => {
    const url = lab.route('api', '/dropped', { response: { drop: true, body: 'json' } });
    await expect(rawRequest(url)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(lab.requests({ path: '/dropped' })).toHaveLength(1);
  });

  it('delays the answer', async () => {
    const url = lab.route('api', '/slow', { response: { delayMs: 300, body: 'json' } });
    const started = performance.now();
    const response = await rawRequest(url);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers inline routes on every origin from the spec in the URL, tag ignored', async () => {
    const spec = { preflight: { status: 204, headers: [[ACAO, '{origin}']] as Array<[string, string]> }, response: { status: 201, body: 'json' } };
    for (const origin of Object.values(lab.origins)) {
      const url = inlineRouteUrl(origin, spec, 'family/001-some case');
      expect(url.startsWith(`${origin}/__cors/`)).toBe(true);
      expect(url.endsWith('/family/001-some%20case')).toBe(true);
      expect((await rawRequest(url, { ca: lab.tls.cert })).status).toBe(201);
      const preflight = await rawRequest(url, { method: 'OPTIONS', headers: { Origin: lab.origins.page }, ca: lab.tls.cert });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(lab.origins.page);
    }
    expect(inlineRouteUrl(`${lab.origins.api}/`, spec)).toBe(inlineRouteUrl(lab.origins.api, spec));
    expect(() => inlineRouteUrl(lab.origins.api, { response: { body: new Uint8Array([1]) } })).toThrow(/bytes/);
  });

  it('answers a malformed inline route with 400 and a message that says what is wrong', async () => {
    const notBase64 = await rawRequest(`${lab.origins.api}/__cors/not*base64`);
    expect(notBase64.status).toBe(400);
    expect(notBase64.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(notBase64.body.toString()).toMatch(/base64url/);

    const notJson = await rawRequest(`${lab.origins.api}/__cors/${Buffer.from('{nope').toString('base64url')}`);
    expect(notJson.status).toBe(400);
    expect(notJson.body.toString()).toMatch(/not JSON/);

    const badField = await rawRequest(`${lab.origins.api}/__cors/${Buffer.from(JSON.stringify({ response: { status: 'ok' } })).toString('base64url')}`);
    expect(badField.status).toBe(400);
    expect(badField.body.toString()).toMatch(/response\.status/);

    const badHeader = await rawRequest(
      `${lab.origins.api}/__cors/${Buffer.from(JSON.stringify({ response: { headers: [['Bad Name', 'x']] } })).toString('base64url')}`,
    );
    expect(badHeader.status).toBe(400);
    expect(badHeader.lines.some(([name]) => name.toLowerCase().startsWith('access-control-'))).toBe(false);

    expect((await rawRequest(lab.route('api', '/still-alive', { response: { body: 'json' } }))).status).toBe(200);
  });

  it('rejects an invalid spec when the route is registered', () => {
    expect(() => lab.route('api', '/bad', { response: { status: 42 } })).toThrow(/status/);
    expect(() => lab.route('api', '/bad', { response: { headers: [['X-Evil', 'a\r\nInjected: yes']] } })).toThrow(/control character/);
    expect(() => lab.route('api', 'no-slash', { response: {} })).toThrow(/must start with "\/"/);
  });

  it('logs every request with its raw header lines in order, including OPTIONS and unknown paths', async () => {
    const url = lab.route('api', '/logged', { preflight: { status: 204 }, response: { body: 'json' } });
    await rawRequest(`${url}?q=1`, { method: 'OPTIONS', headers: { Origin: lab.origins.page, 'Access-Control-Request-Method': 'PUT', 'x-lower': 'a' } });
    await rawRequest(url, { method: 'PUT', body: 'hello', headers: { Origin: lab.origins.page } });
    await rawRequest(`${lab.origins.api2}/unknown`);

    const all = lab.requests();
    expect(all.map((entry) => `${entry.origin} ${entry.method} ${entry.path}`)).toEqual(['api OPTIONS /logged', 'api PUT /logged', 'api2 GET /unknown']);
    const [preflight] = lab.requests({ method: 'OPTIONS' });
    expect(preflight?.url).toBe(`${url}?q=1`);
    expect(preflight?.headers.slice(0, 4)).toEqual([
      ['Host', new URL(url).host],
      ['Origin', lab.origins.page],
      ['Access-Control-Request-Method', 'PUT'],
      ['x-lower', 'a'],
    ]);
    expect(preflight?.time).toBeGreaterThan(Date.now() - 10_000);
    expect(lab.requests({ origin: 'api', path: '/logged', method: 'PUT' })).toHaveLength(1);
    expect(lab.requests({ origin: 'api2' })).toHaveLength(1);
    expect(lab.requests({ method: 'put' })).toHaveLength(0);
  });

  it('serves /blank and registered pages on the page origin', async () => {
    const blank = await rawRequest(`${lab.origins.page}/blank`);
    expect(blank.status).toBe(200);
    expect(blank.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(blank.body.toString()).toContain('<title>CORS lab</title>');
    const url = lab.page('/hello', '<!doctype html><title>Hello</title>');
    expect(url).toBe(`${lab.origins.page}/hello`);
    expect((await rawRequest(url)).body.toString()).toBe('<!doctype html><title>Hello</title>');
    expect((await rawRequest(`${lab.origins.api}/blank`)).status).toBe(404);
  });

  it('forgets registered routes, pages and the log on reset, but keeps /blank', async () => {
    const url = lab.route('api', '/forgotten', { response: { body: 'json' } });
    const page = lab.page('/forgotten-page', '<p>gone</p>');
    await rawRequest(url);
    lab.reset();
    expect(lab.requests()).toEqual([]);
    expect((await rawRequest(url)).status).toBe(404);
    expect((await rawRequest(page)).status).toBe(404);
    expect((await rawRequest(`${lab.origins.page}/blank`)).status).toBe(200);
  });

  it('keeps connections alive across requests that carry a body', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = lab.route('api', '/kept', { preflight: { status: 204 }, response: { body: 'json' } });
      await rawRequest(url, { method: 'POST', body: 'x'.repeat(100_000), agent });
      const second = await rawRequest(url, { agent });
      expect(second.status).toBe(200);
      expect(second.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(startLab({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});

describe('closing the lab', () => {
  it('closes promptly with an idle keep-alive socket and a pending delayed answer, and releases its ports', async () => {
    const lab = await startLab();
    const agent = new Agent({ keepAlive: true });
    try {
      const kept = await rawRequest(lab.route('api', '/kept', { response: { body: 'json' } }), { agent });
      expect(kept.headers.connection).toBe('keep-alive');
      const pending = rawRequest(lab.route('api2', '/never', { response: { delayMs: 60_000 } })).catch((error: Error) => error);
      await expectSoon(() => lab.requests({ path: '/never' }).length === 1);

      const closed = lab.close().then(() => 'closed');
      const outcome = await Promise.race([closed, sleep(1_000).then(() => 'still open')]);
      expect(outcome).toBe('closed');
      expect(await pending).toBeInstanceOf(Error);
      await lab.close();

      for (const address of Object.values(lab.addresses).flat()) {
        const [, host, port] = /^\[?(.+?)\]?:(\d+)$/.exec(address)!;
        await expect(canBind(host!, Number(port))).resolves.toBe(true);
      }

      const again = await startLab({
        ports: { page: port(lab.origins.page), api: port(lab.origins.api), api2: port(lab.origins.api2), https: port(lab.origins.https) },
      });
      try {
        expect(again.origins).toEqual(lab.origins);
        expect(again.addresses).toEqual(lab.addresses);
        expect((await rawRequest(`${again.origins.page}/blank`)).status).toBe(200);
      } finally {
        await again.close();
      }
    } finally {
      agent.destroy();
    }
  });

  it('accepts pagePort as a shorthand and reports a taken port as EADDRINUSE', async () => {
    const first = await startLab();
    try {
      await expect(startLab({ pagePort: port(first.origins.page) })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await expect(startLab({ ports: { api: port(first.origins.api) } })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});

function port(origin: string): number {
  return Number(new URL(origin).port);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function expectSoon(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt++) await sleep(10);
  expect(condition()).toBe(true);
}

function canBind(host: string, portNumber: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createTcpServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port: portNumber, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const CHROMIUM_PATH = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium'].find((path): path is string => !!path && existsSync(path));

describe('built-in bodies in a real Chromium', () => {
  it.skipIf(!CHROMIUM_PATH)(
    'loads the font, image and module cross-origin in CORS mode with Access-Control-Allow-Origin: *' +
      (CHROMIUM_PATH ? '' : ' (skipped: no Chromium at /usr/lib/chromium/chromium or $CHROMIUM_PATH)'),
    async () => {
      const { chromium } = await import('playwright-core');
      const lab = await startLab();
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const allowed = (body: string, tag: string) => inlineRouteUrl(lab.origins.api2, { response: { body, headers: [[ACAO, '*']] } }, tag);
        const fontUrl = allowed('font', 'font');
        const refusedFontUrl = inlineRouteUrl(lab.origins.api, { response: { body: 'font' } }, 'font-without-cors');
        const imageUrl = allowed('image', 'image');
        const moduleUrl = allowed('module', 'module');
        const pageUrl = lab.page(
          '/bodies',
          `<!doctype html><title>bodies</title>
<style>
@font-face { font-family: LabFont; src: url("${fontUrl}") format("truetype"); }
@font-face { font-family: RefusedFont; src: url("${refusedFontUrl}") format("truetype"); }
</style>
<p style="font-family: LabFont">A</p><p style="font-family: RefusedFont">A</p>
<img id="image" crossorigin="anonymous" src="${imageUrl}">
<script type="module">
import value from "${moduleUrl}";
window.labModuleValue = value;
</script>`,
        );
        const page = await browser.newPage();
        await page.goto(pageUrl);
        // Written as a string so the test runner's transforms cannot rewrite it for Node.
        const results = (await page.evaluate(`(async () => {
          const fontStatus = async (family) => {
            await document.fonts.load('16px ' + family, 'A').catch(() => undefined);
            const face = [...document.fonts].find((candidate) => candidate.family === family);
            return { status: face && face.status, usable: document.fonts.check('16px ' + family, 'A') };
          };
          const element = document.getElementById('image');
          const image = await new Promise((resolve) => {
            const report = () => resolve(element.naturalWidth ? 'loaded ' + element.naturalWidth + 'x' + element.naturalHeight : 'error');
            if (element.complete) return report();
            element.addEventListener('load', report);
            element.addEventListener('error', report);
          });
          for (let waited = 0; !('labModuleValue' in window) && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
          return { font: await fontStatus('LabFont'), refusedFont: await fontStatus('RefusedFont'), image, module: window.labModuleValue };
        })()`)) as { font: unknown; refusedFont: { status: string }; image: string; module: unknown };
        expect(results.font).toEqual({ status: 'loaded', usable: true });
        // The control: the same font without CORS headers fails, so 'loaded' above means something.
        expect(results.refusedFont.status).toBe('error');
        expect(results.image).toBe('loaded 1x1');
        expect(results.module).toBe(1);
        expect(lab.requests({ origin: 'api2' }).map((entry) => entry.headers.find(([name]) => name.toLowerCase() === 'origin')?.[1])).toEqual([
          lab.origins.page,
          lab.origins.page,
          lab.origins.page,
        ]);
      } finally {
        await browser.close();
        await lab.close();
      }
    },
    60_000,
  );
});
