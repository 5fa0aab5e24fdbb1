/**
 * `npm run lab`: serves the CORS lab gallery on loopback for a person using their own Chrome with
 * CORS Doctor installed. Flags: --port N (the page origin's port; 0 picks a free one).
 */
import { parseArgs } from 'node:util';
import { mountGallery, type ResolvedCase } from './gallery';
import { startLab, type Lab } from './server';

export const DEFAULT_LAB_PORT = 8700;

/** Parses a --port value: an integer from 0 (any free port) to 65535. */
export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`--port must be a number from 0 to 65535, not "${value}".`);
  return port;
}

/** A mistake in the command line: reported without a stack trace. */
export class UsageError extends Error {}

/** Ours, or node:util parseArgs rejecting an unknown or malformed flag. */
export function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
}

/** Starts the lab with the gallery mounted at `/` of the page origin. */
export async function startGalleryLab(pagePort: number): Promise<{ lab: Lab; url: string; cases: ResolvedCase[] }> {
  let lab: Lab;
  try {
    lab = await startLab({ pagePort });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${pagePort} is already in use. Pass --port N, or --port 0 for any free port.`);
    }
    throw error;
  }
  const { url, cases } = mountGallery(lab);
  return { lab, url, cases };
}

/** Closes the lab on Ctrl+C or SIGTERM, once; a second Ctrl+C exits at once. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    closing = true;
    process.stdout.write(`\n${signal === 'SIGINT' ? 'Ctrl+C' : signal}: shutting down the lab…\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Could not shut down cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(
      'Usage: npm run lab -- [--port N]\n\n' +
        'Serves the CORS lab gallery on 127.0.0.1 (APIs on localhost) until Ctrl+C.\n' +
        `  --port N   port of the gallery page (default ${DEFAULT_LAB_PORT}; 0 picks a free port)`,
    );
    return;
  }
  const { lab, url, cases } = await startGalleryLab(parsePort(values.port, DEFAULT_LAB_PORT));
  closeOnSignals(() => lab.close());
  console.log(
    [
      '',
      `CORS lab: ${cases.length} common CORS mistakes, each with a fixed twin.`,
      '',
      `  Gallery  ${url}`,
      `  APIs     ${lab.origins.api}, ${lab.origins.api2} and ${lab.origins.https} (loopback only)`,
      '',
      'Open the gallery in Chrome with CORS Doctor installed (chrome://extensions → Load unpacked → dist/),',
      'open DevTools → CORS, then press "Run all" or any card\'s buttons.',
      `The https API's certificate is self-signed (made now): start Chrome with ${lab.tls.chromiumArgs.join(' ')}`,
      `(it trusts this one certificate only), or open ${lab.origins.https}/ once and accept the warning.`,
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
}

if (import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(isUsageError(error) ? (error as Error).message : error);
    process.exit(1);
  });
}
