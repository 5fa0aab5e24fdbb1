/**
 * The traffic the export and popup browser tests share: a lab page that makes three requests
 * Chromium blocks (at the response, at the preflight, after a redirect) and one that passes, with
 * secrets in a query parameter, a redirect Location, an Authorization header and a Set-Cookie.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Lab } from '../lab/server';
import type { Report } from '../src/shared/report';
import { waitFor, type ExtensionBrowser, type Page } from './harness';

export const E2E_SECRETS = {
  query: 'e2e-query-secret-8a7b6c',
  redirectToken: 'e2e-redirect-secret-4d5e9f',
  bearer: 'e2e-bearer-secret-1f2e3d',
  setCookie: 'e2e-setcookie-secret-77c0aa',
} as const;

export interface Scenario {
  page: Page;
  tabId: number;
  urls: { missingAllowOrigin: string; headerDisallowed: string; redirectStart: string; redirectFinal: string; passing: string };
  /** The rules Chromium reports for the three failures, by URL of the failing request. */
  expectedRules: string[];
}

export async function runScenario(lab: Lab, browser: ExtensionBrowser): Promise<Scenario> {
  const urls = {
    missingAllowOrigin: lab.route('api', '/export/orders', {
      response: {
        status: 200,
        headers: [
          ['Content-Type', 'application/json'],
          ['Vary', 'Accept-Encoding'],
          // A session cookie in real traffic. (A cookie sent by the browser is not possible here:
          // the API is cross-site to the page, and Chromium sends no third-party cookies.)
          ['Set-Cookie', `sid=${E2E_SECRETS.setCookie}; Path=/; HttpOnly`],
        ],
        body: 'json',
      },
    }),
    headerDisallowed: lab.route('api', '/export/orders/17', {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Methods', 'GET, PUT'],
          ['Access-Control-Allow-Headers', 'content-type'],
        ],
      },
      response: { status: 200, headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' },
    }),
    redirectFinal: lab.route('api2', '/export/final', { response: { status: 200, body: 'json' } }),
    passing: lab.route('api', '/export/health', {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Methods', 'POST'],
          ['Access-Control-Allow-Headers', 'authorization, content-type'],
        ],
      },
      response: { status: 200, headers: [['Access-Control-Allow-Origin', '{origin}']], body: 'json' },
    }),
    redirectStart: '',
  };
  urls.redirectStart = lab.route('api', '/export/moved', {
    response: {
      redirect: { to: `${urls.redirectFinal}?token=${E2E_SECRETS.redirectToken}`, status: 302 },
      headers: [['Access-Control-Allow-Origin', '*']],
    },
  });

  const page = await browser.context.newPage();
  await page.goto(`${lab.origins.page}/blank`);
  const tabId = await browser.tabIdOf(page);

  await page.evaluate(
    async ({ urls, secrets }) => {
      const attempt = (url: string, init?: RequestInit) =>
        fetch(url, init).then(
          (response) => response.status,
          (error: Error) => error.message,
        );
      await attempt(`${urls.missingAllowOrigin}?page=2&api_key=${secrets.query}`, { credentials: 'include' });
      await attempt(urls.headerDisallowed, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secrets.bearer}` },
        body: '{"status":"shipped"}',
      });
      await attempt(urls.redirectStart);
      await attempt(urls.passing, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secrets.bearer}` },
        body: '{}',
      });
    },
    { urls, secrets: E2E_SECRETS },
  );

  await waitFor(
    () => browser.sendMessage<Report>({ type: 'getReport', tabId }),
    (report) => report.entries.length >= 4 && report.entries.filter((e) => e.verdict.blocked).length >= 3,
    { what: 'four captured exchanges, three of them blocked' },
  );
  return {
    page,
    tabId,
    urls,
    expectedRules: ['MissingAllowOriginHeader', 'HeaderDisallowedByPreflightResponse', 'MissingAllowOriginHeader'],
  };
}

const SCHEMA_PATH = resolve(import.meta.dirname, '..', 'docs', 'report.schema.json');

/** ajv's verdict on a report against docs/report.schema.json: the errors, empty when valid. */
export function schemaErrors(report: unknown): unknown[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  return validate(report) ? [] : (validate.errors ?? []);
}

/** The sh code blocks of a Markdown export (fences of any length). */
export function curlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})sh\n([\s\S]*?)\n\1$/gm)].map((m) => m[2]!);
}

/** Runs one exported curl command with the machine's sh and curl; resolves to what curl printed. */
export async function runCurl(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)('/bin/sh', ['-c', command], { timeout: 20_000, maxBuffer: 4 * 1024 * 1024 });
  return stdout;
}

/** The status and headers of the last response a `curl -i` printed (after any 1xx). */
export function parseCurlHead(output: string): { status: number; headers: Map<string, string> } {
  const heads = output.split(/\r?\n\r?\n/).filter((part) => /^HTTP\/[\d.]+ \d{3}/.test(part));
  const head = heads[heads.length - 1] ?? '';
  const [statusLine = '', ...lines] = head.split(/\r?\n/);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? 0), headers };
}

/**
 * The pieces an explanation shows as in the Markdown: its first sentence ("What failed") and the
 * rest ("Why"), each on one line.
 */
export function explanationParts(explanation: string): string[] {
  const flat = explanation.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const first = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  const rest = flat.slice(first.length).trim();
  return rest ? [first, rest] : [first];
}

/** Every secret of the scenario, in each form it can take in text. */
export function secretForms(): string[] {
  return Object.values(E2E_SECRETS).flatMap((secret) => [secret, encodeURIComponent(secret)]);
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
