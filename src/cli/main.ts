/**
 * `cors-doctor`: CORS Doctor's engine outside the browser.
 *
 *   cors-doctor check URL --origin ORIGIN [...]   what Chromium would do with this request
 *   cors-doctor check --config FILE               policy checks for CI
 *   cors-doctor har FILE.har [--format ...]       diagnose a HAR someone sent you
 *
 * Exit codes: 0 allowed (no violation / no failure), 1 blocked (a violation / a failure),
 * 2 usage or network error (never a CORS verdict).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import packageJson from '../../package.json' with { type: 'json' };
import type { HeaderLine } from '../engine/types';
import { importHar, HarFormatError } from '../har/import';
import { exportReport } from '../report/export';
import type { Report } from '../shared/report';
import { UsageError, parseHeaderOption, parseMethodOption, parseOriginOption, parseUrlOption } from './args';
import { browserFetch, type BrowserFetchResult, type BrowserIdentity } from './browser-fetch';
import { parsePolicy, renderPolicyTable, runPolicy, type PolicyRow } from './policy';
import { KNOWN_STACKS, renderCheck, renderVerdict } from './render';
import { NetworkError, nodeTransport, type Transport } from './transport';

export const VERSION: string = packageJson.version;
export const TOOL = { name: 'CORS Doctor', version: VERSION } as const;
const IDENTITY: BrowserIdentity = { userAgent: `cors-doctor/${VERSION} (CORS checks as Chromium makes them)` };

export const EXIT_ALLOWED = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_ERROR = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => string;
  writeFile: (path: string, text: string) => void;
  transport: Transport;
}

const HELP = `Usage:
  cors-doctor check URL --origin ORIGIN [options]   what Chromium would do with this cross-origin request
  cors-doctor check --config FILE [--base-url URL]  policy checks for CI (JSON or YAML)
  cors-doctor har FILE.har [--format text|markdown|json] [--output FILE]

check options:
  --origin ORIGIN         the page's origin, e.g. https://app.example.com
  --method METHOD         default GET
  --header 'Name: value'  a header the page sets (repeatable)
  --content-type TYPE     shorthand for --header 'Content-Type: TYPE'
  --body TEXT             a request body (sent with Content-Type text/plain;charset=UTF-8 unless set)
  --credentials           credentials: 'include' (cookies via --header 'Cookie: ...')
  --stack ID|all          which server's fix to print: ${KNOWN_STACKS.join(', ')} (default all)
  --json                  machine-readable output (docs/cli.schema.json)
  --timeout MS            per request (default 15000)

har options:
  --format text|markdown|json   default text; markdown and json are the extension's exports
  --output FILE                 write there instead of stdout
  --include-secrets             keep cookies, tokens and secret URL parameters (redacted by default)
  --stack ID|all                which server's fix to print in text output

Exit codes: 0 allowed / no failure, 1 blocked / policy violated / a failure in the HAR,
2 usage or network error (refused connection, DNS, TLS: never presented as a CORS verdict).
Docs: docs/cli.md`;

function stackOption(value: string | undefined): string {
  const stack = value ?? 'all';
  if (stack !== 'all' && !KNOWN_STACKS.includes(stack)) {
    throw new UsageError(`--stack "${stack}" is not one of: all, ${KNOWN_STACKS.join(', ')}.`);
  }
  return stack;
}

/** The JSON of one `check` (schema: docs/cli.schema.json). */
export function checkJson(result: BrowserFetchResult, input: { url: string; origin: string; credentials: boolean }): object {
  return {
    schemaVersion: 1,
    tool: TOOL,
    request: { url: input.url, origin: input.origin, method: result.exchange.request.method, credentials: input.credentials ? 'include' : 'same-origin' },
    allowed: result.allowed,
    preflight: { needed: result.preflightNeeded, reasons: result.preflightReasons },
    steps: result.steps,
    verdict: result.verdict,
    exchange: result.exchange,
  };
}

function networkErrorJson(error: NetworkError): object {
  return { schemaVersion: 1, tool: TOOL, error: { kind: 'network', code: error.code, netError: error.netError, url: error.url, message: error.message } };
}

async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      origin: { type: 'string' },
      method: { type: 'string' },
      header: { type: 'string', multiple: true, short: 'H' },
      'content-type': { type: 'string' },
      body: { type: 'string' },
      credentials: { type: 'boolean' },
      stack: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      'base-url': { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const stack = stackOption(values.stack);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new UsageError(`--timeout "${values.timeout}" must be a positive number of milliseconds.`);
  const send = timeoutMs === undefined ? io.transport : nodeTransport({ timeoutMs });

  if (values.config !== undefined) {
    if (positionals.length > 0 || values.origin !== undefined)
      throw new UsageError('--config takes its URLs and origins from the file; give no URL or --origin with it.');
    let text: string;
    try {
      text = io.readFile(values.config);
    } catch (error) {
      throw new UsageError(`Cannot read ${values.config}: ${(error as Error).message}`);
    }
    const policy = parsePolicy(text, values.config);
    const baseUrl = values['base-url'] === undefined ? null : parseUrlOption(values['base-url'], '--base-url');
    const rows = await runPolicy(policy, baseUrl, send, IDENTITY);
    if (values.json) io.stdout(`${JSON.stringify(policyJson(rows), null, 2)}\n`);
    else io.stdout(renderPolicyTable(rows));
    if (rows.some((row) => row.actual === 'error')) {
      if (!values.json) io.stderr('cors-doctor: some checks could not reach their endpoint (network errors above are not CORS verdicts).\n');
      return EXIT_ERROR;
    }
    return rows.every((row) => row.ok) ? EXIT_ALLOWED : EXIT_BLOCKED;
  }

  if (positionals.length !== 1) throw new UsageError('check needs exactly one URL (or --config FILE).');
  if (values.origin === undefined) throw new UsageError('check needs --origin: the origin of the page that makes the request.');
  const url = parseUrlOption(positionals[0]!);
  const origin = parseOriginOption(values.origin);
  const method = parseMethodOption(values.method ?? 'GET');
  const headers: HeaderLine[] = (values.header ?? []).map(parseHeaderOption);
  if (values['content-type'] !== undefined) headers.push({ name: 'Content-Type', value: values['content-type'] });
  if (values.body !== undefined && !headers.some((h) => h.name.toLowerCase() === 'content-type')) {
    // What fetch() adds for a string body.
    headers.push({ name: 'Content-Type', value: 'text/plain;charset=UTF-8' });
  }
  const credentials = values.credentials === true;
  if (!credentials && headers.some((h) => h.name.toLowerCase() === 'cookie')) {
    throw new UsageError('A Cookie header means credentials: add --credentials (browsers never send cookies otherwise).');
  }
  try {
    const result = await browserFetch({ url, origin, method, headers, credentials, body: values.body }, send, IDENTITY);
    if (values.json) io.stdout(`${JSON.stringify(checkJson(result, { url, origin, credentials }), null, 2)}\n`);
    else
      io.stdout(
        renderCheck(
          result,
          stack,
          headers.map((h) => h.name),
        ),
      );
    return result.allowed ? EXIT_ALLOWED : EXIT_BLOCKED;
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    if (values.json) io.stdout(`${JSON.stringify(networkErrorJson(error), null, 2)}\n`);
    io.stderr(`cors-doctor: network error, not a CORS verdict: ${error.message} (${error.netError} in Chromium)\n`);
    return EXIT_ERROR;
  }
}

function policyJson(rows: readonly PolicyRow[]): object {
  return {
    schemaVersion: 1,
    tool: TOOL,
    ok: rows.every((row) => row.ok),
    checks: rows.map((row) => ({
      endpoint: row.endpoint,
      method: row.method,
      origin: row.origin,
      expected: row.expected,
      actual: row.actual,
      ok: row.ok,
      detail: row.detail,
      rule: row.result?.verdict.rule ?? null,
    })),
  };
}

function renderHarText(report: Report, stack: string): string {
  const out: string[] = [];
  const { total, failures } = report.summary;
  out.push(`${total} cross-origin CORS exchange${total === 1 ? '' : 's'}, ${failures} blocked.`);
  for (const notice of report.notices ?? []) out.push(`  · ${notice}`);
  out.push('');
  const ordered = [...report.entries].sort((a, b) => Number(b.verdict.blocked) - Number(a.verdict.blocked) || a.time - b.time);
  for (const entry of ordered) {
    const preflight = entry.preflight ? ' (preflighted)' : '';
    out.push(`── ${entry.request.method} ${entry.request.url}${preflight}  from ${entry.initiator ?? 'unknown origin'}`);
    out.push(renderVerdict(entry.verdict, stack));
    out.push('');
  }
  return out.join('\n');
}

async function runHar(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'include-secrets': { type: 'boolean' },
      stack: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('har needs exactly one HAR file.');
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'markdown' && format !== 'json') throw new UsageError(`--format "${format}" is not one of: text, markdown, json.`);
  const stack = stackOption(values.stack);
  const file = positionals[0]!;
  let text: string;
  try {
    text = io.readFile(file);
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let report: Report;
  try {
    report = importHar(text, { source: basename(file), tool: TOOL }).report;
  } catch (error) {
    if (error instanceof HarFormatError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  const output =
    format === 'text'
      ? renderHarText(report, stack)
      : exportReport(report, format, { includeSecrets: values['include-secrets'] === true, ...(stack === 'all' ? {} : { stack }) }).text;
  if (values.output !== undefined) io.writeFile(values.output, output);
  else io.stdout(output);
  return report.summary.failures > 0 ? EXIT_BLOCKED : EXIT_ALLOWED;
}

/** Runs one command line; resolves to the exit code. Never throws for a user mistake. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(`${HELP}\n`);
      return command === undefined ? EXIT_ERROR : EXIT_ALLOWED;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${VERSION}\n`);
      return EXIT_ALLOWED;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${HELP}\n`);
      return EXIT_ALLOWED;
    }
    if (command === 'check') return await runCheck(rest, io);
    if (command === 'har') return await runHar(rest, io);
    throw new UsageError(`Unknown command "${command}". Commands: check, har (cors-doctor --help).`);
  } catch (error) {
    const usage = error instanceof UsageError || String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    io.stderr(`cors-doctor: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  }
}

export function nodeIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    transport: nodeTransport(),
  };
}
