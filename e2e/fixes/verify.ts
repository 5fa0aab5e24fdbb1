/**
 * One cell of the matrix: a failure class on a stack. The broken server fails in Chromium, CORS
 * Doctor names the same rule, the snippet it reports for that exchange goes into the server's CORS
 * slot in place of the broken layer, and on the server started with it Chromium passes, CORS Doctor
 * says passed, and a page on an origin the snippet does not allow is still refused.
 */
import type { Page } from 'playwright-core';
import type { Report, ReportEntry } from '../../src/shared/report';
import { fetchFrom, recordChromiumVerdicts, waitFor, type ChromiumVerdict, type ExtensionBrowser } from '../harness';
import type { FailureClass } from './classes';
import type { RunningServer, StackRunner } from './stacks';

export interface CellSetup {
  browser: ExtensionBrowser;
  /** The page whose origin the fix allows. */
  page: Page;
  tabId: number;
  verdicts: Awaited<ReturnType<typeof recordChromiumVerdicts>>;
  /** A page on an origin the fix must not allow. */
  otherPage: Page;
  otherVerdicts: Awaited<ReturnType<typeof recordChromiumVerdicts>>;
  /**
   * Fixed servers by stack, upstream headers and snippet text: classes whose exchanges get the same
   * snippet (a simple GET for missing, wrong or trailing-slash origins) reuse one server started with it.
   */
  fixedServers: Map<string, Promise<RunningServer>>;
}

/** Stops every fixed server a run started. */
export async function stopFixedServers(setup: CellSetup): Promise<void> {
  const servers = [...setup.fixedServers.values()];
  setup.fixedServers.clear();
  await Promise.all(
    servers.map((started) =>
      started.then(
        (server) => server.stop(),
        () => {},
      ),
    ),
  );
}

export interface CellResult {
  stack: string;
  classId: string;
  /** Chromium's `corsError` on the broken server. */
  brokenRule: string;
  /** What CORS Doctor reported and the suite applied. */
  snippet: string;
  /** Status the page saw after the fix (a 500 is a pass for the error class: the page can read it). */
  fixedStatus: number;
}

async function chromiumVerdict(setup: CellSetup['verdicts'], url: string): Promise<ChromiumVerdict> {
  const [verdict] = await waitFor(
    () => setup.forUrl(url).filter((v) => v.method !== 'OPTIONS' && v.finished),
    (found) => found.length > 0,
    { what: `Chromium's verdict for ${url}` },
  );
  return verdict!;
}

async function reportEntry(setup: CellSetup, url: string): Promise<ReportEntry> {
  const report = await waitFor(
    () => setup.browser.sendMessage<Report>({ type: 'getReport', tabId: setup.tabId }),
    (r) => r.entries.some((e) => e.request.url === url && e.request.method !== 'OPTIONS' && e.verdict.kind !== 'network-error'),
    { what: `CORS Doctor's entry for ${url}` },
  );
  return report.entries.filter((e) => e.request.url === url && e.request.method !== 'OPTIONS').at(-1)!;
}

async function withServer<T>(start: Promise<RunningServer>, use: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await start;
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

export async function verifyCell(setup: CellSetup, runner: StackRunner, failure: FailureClass, proxy: boolean): Promise<CellResult> {
  const broken = proxy && failure.proxied ? failure.proxied.broken : failure.broken;
  const upstreamHeaders = proxy && failure.proxied ? failure.proxied.upstreamHeaders : [];
  const tag = `${runner.id}-${failure.id}`;

  const { brokenRule, snippet } = await withServer(runner.start(runner.broken(broken), { upstreamHeaders }), async (server) => {
    const url = `${server.origin}${failure.path}?run=${tag}-broken`;
    const outcome = await fetchFrom(setup.page, url, failure.init);
    const chromium = await chromiumVerdict(setup.verdicts, url);
    if (!chromium.corsError)
      throw new Error(`The broken ${runner.id} server did not fail in Chromium (fetch said ${outcome}, ${chromium.errorText ?? 'no error'})`);
    const entry = await reportEntry(setup, url);
    if (!entry.verdict.blocked || entry.verdict.rule !== chromium.corsError) {
      throw new Error(`Chromium said ${chromium.corsError}, CORS Doctor said ${entry.verdict.rule ?? entry.verdict.kind}`);
    }
    const found = entry.verdict.fix?.snippets.find((s) => s.stack === runner.id);
    if (!found) throw new Error(`CORS Doctor reported no ${runner.id} snippet for ${chromium.corsError}`);
    return { brokenRule: chromium.corsError, snippet: found.code };
  });

  const key = JSON.stringify([runner.id, upstreamHeaders, snippet]);
  let fixed = setup.fixedServers.get(key);
  if (!fixed) {
    fixed = runner.start(snippet, { upstreamHeaders });
    setup.fixedServers.set(key, fixed);
  }
  const server = await fixed;
  const url = `${server.origin}${failure.path}?run=${tag}-fixed`;
  const outcome = await fetchFrom(setup.page, url, failure.init);
  const chromium = await chromiumVerdict(setup.verdicts, url);
  if (chromium.corsError || chromium.errorText || typeof outcome !== 'number') {
    throw new Error(`After the fix Chromium still failed it: ${chromium.corsError ?? chromium.errorText} (fetch said ${outcome})\nSnippet:\n${snippet}`);
  }
  const entry = await reportEntry(setup, url);
  if (entry.verdict.kind !== 'passed') throw new Error(`After the fix CORS Doctor said ${entry.verdict.rule ?? entry.verdict.kind}`);

  const otherUrl = `${server.origin}${failure.path}?run=${tag}-other-origin`;
  const otherOutcome = await fetchFrom(setup.otherPage, otherUrl, failure.init);
  const other = await chromiumVerdict(setup.otherVerdicts, otherUrl);
  if (!other.corsError) throw new Error(`The fixed server also let another origin read it (fetch said ${otherOutcome})\nSnippet:\n${snippet}`);
  return { stack: runner.id, classId: failure.id, brokenRule, snippet, fixedStatus: outcome };
}
