/**
 * `npm start`: the CORS lab with CORS Doctor loaded, on a built-in site full of real CORS mistakes.
 *
 * With a display it opens Chromium on the gallery with DevTools open and waits until the browser is
 * closed. Without one (CI, SSH) it runs the whole gallery headless, prints what CORS Doctor found,
 * and writes the exports and screenshots to the output directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { DIST_DIR, findChromium, launchWithExtension, QUIET_FLAGS, type ExtensionBrowser } from '../tools/chromium';
import { FIREFOX_DIST_DIR, findFirefox, launchFirefoxWithExtension, type FirefoxExtensionBrowser } from '../tools/firefox';
import type { ExportFormat, ExportResult } from '../src/shared/messages';
import type { Report, ReportEntry } from '../src/shared/report';
import { failureName, type ShownBrowser } from '../src/shared/browser-names';
import { checkReport, findVariant, type ResolvedCase, type VariantCheck } from './gallery';
import { closeOnSignals, parsePort, startGalleryLab, UsageError } from './serve';

const ROOT = resolve(import.meta.dirname, '..');
/** What the build reads: when any of it is newer than dist/, dist/ is stale. */
const BUILD_INPUTS = ['src', 'public', 'manifest.json', 'vite.config.ts', 'package.json'];
const RUN_TIMEOUT_MS = 120_000;
const CAPTURE_TIMEOUT_MS = 20_000;
const PANEL_SIZE = { width: 1280, height: 800 };
const POPUP_SIZE = { width: 380, height: 600 };
/** The panel screenshot opens this case's failure: a preflight, its reason and the header fix show the most. */
const SHOWCASE_CASE = 'json-content-type';

export const OUTPUT_FILES = {
  markdown: 'cors-doctor-report.md',
  json: 'cors-doctor-report.json',
  har: 'cors-doctor-report.har',
  panel: 'panel.png',
  popup: 'popup.png',
  gallery: 'gallery.png',
  /** The lab origins and what the gallery page itself saw for each request. */
  run: 'gallery-run.json',
} as const;

/** One result line of the gallery page, as the page's JavaScript saw the request. */
export interface PageResult {
  caseId: string;
  variant: 'broken' | 'fixed';
  outcome: string;
  asExpected: boolean;
  detail: string;
}

interface DemoOptions {
  headless: boolean;
  browser: 'chromium' | 'firefox';
  outDir: string;
  port: number;
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const yellow = paint('33');

/** What the demo needs of a page, whether Playwright (Chromium) or puppeteer (Firefox) drives it: run a function in it. */
type RunInPage = <T>(fn: () => T) => Promise<T>;
const inChromiumPage =
  (page: Page): RunInPage =>
  (fn) =>
    page.evaluate(fn);
const inFirefoxPage =
  (page: FirefoxPage): RunInPage =>
  <T>(fn: () => T) =>
    page.evaluate(fn) as Promise<T>;

function hasDisplay(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function parseOptions(argv: string[]): DemoOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      headless: { type: 'boolean' },
      headed: { type: 'boolean' },
      out: { type: 'string' },
      port: { type: 'string' },
      browser: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'Usage: npm start -- [--headless | --headed] [--browser chromium|firefox] [--out DIR] [--port N]',
        '',
        'Builds CORS Doctor if needed, starts the CORS lab and opens it in Chromium with the extension.',
        '  --headed     open a browser window with DevTools (the default when a display is present)',
        '  --headless   run every gallery case, print a summary, write the exports and screenshots',
        '               (the default without a display)',
        '  --out DIR    where --headless writes its files (default cors-lab-output/)',
        '  --port N     port of the gallery page (default: any free port)',
        '  --browser firefox  the same in Firefox ESR with the Firefox add-on (dist-firefox/)',
      ].join('\n'),
    );
    return null;
  }
  if (values.headless && values.headed) throw new UsageError('Pass --headless or --headed, not both.');
  const headless = values.headless ?? (values.headed ? false : !hasDisplay());
  if (!headless && !hasDisplay()) {
    throw new UsageError('--headed needs a display, and neither $DISPLAY nor $WAYLAND_DISPLAY is set. Run it under xvfb-run, or use --headless.');
  }
  const browser = values.browser ?? 'chromium';
  if (browser !== 'chromium' && browser !== 'firefox') throw new UsageError(`--browser takes chromium or firefox, not ${browser}.`);
  return { headless, browser, outDir: resolve(values.out ?? 'cors-lab-output'), port: parsePort(values.port, 0) };
}

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, name)));
  return newest;
}

/** Builds dist/ with `npx vite build` when it is missing or older than its sources. */
function ensureExtensionBuilt(): string {
  const builtManifest = join(DIST_DIR, 'manifest.json');
  const builtAt = existsSync(builtManifest) ? statSync(builtManifest).mtimeMs : 0;
  const sourcesChangedAt = Math.max(...BUILD_INPUTS.map((input) => newestChange(join(ROOT, input))));
  if (builtAt > 0 && builtAt >= sourcesChangedAt) return 'dist/ is up to date';
  process.stdout.write(`  ${'extension'.padEnd(10)} ${builtAt ? 'dist/ is older than src/' : 'no dist/ yet'}: building with vite…`);
  const started = Date.now();
  const build = spawnSync('npx', ['vite', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  process.stdout.write('\n');
  if (build.status !== 0) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`The extension build (npx vite build) failed:\n${output || build.error?.message || 'no output'}`);
  }
  return `built dist/ in ${seconds(Date.now() - started)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function printField(label: string, value: string): void {
  console.log(`  ${dim(label.padEnd(10))} ${value}`);
}

async function runHeaded(options: DemoOptions): Promise<void> {
  console.log(bold('\nCORS Doctor · the CORS lab\n'));
  printField('extension', ensureExtensionBuilt());
  const chromiumPath = findChromium();
  const { lab, url, cases } = await startGalleryLab(options.port);
  printField('lab', `${url}  (${cases.length} cases; APIs on ${lab.origins.api}, ${lab.origins.api2} and ${lab.origins.https})`);
  printField('browser', chromiumPath);

  const profileDir = mkdtempSync(join(tmpdir(), 'cors-lab-profile-'));
  // Started directly rather than through Playwright's pipe: only then does DevTools load the
  // extension's devtools_page, and with it the CORS panel.
  const browser = spawn(
    chromiumPath,
    [
      ...QUIET_FLAGS,
      `--user-data-dir=${profileDir}`,
      `--disable-extensions-except=${DIST_DIR}`,
      `--load-extension=${DIST_DIR}`,
      '--auto-open-devtools-for-tabs',
      '--window-size=1440,960',
      // This browser's throwaway profile accepts the lab's self-signed https certificate, and no other.
      ...lab.tls.chromiumArgs,
      url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderrTail = '';
  browser.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  const startedAt = Date.now();
  const exited = new Promise<{ code: number | null; error?: Error }>((done) => {
    browser.once('error', (error) => done({ code: null, error }));
    browser.once('exit', (code) => done({ code }));
  });
  const running = () => browser.exitCode === null && browser.signalCode === null;
  let cleanedUp: Promise<void> | null = null;
  // Chromium keeps writing its profile until it has exited, so wait for that before deleting it.
  const cleanUp = () =>
    (cleanedUp ??= (async () => {
      if (running()) {
        browser.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (running()) browser.kill('SIGKILL');
        await exited;
      }
      await lab.close();
      rmSync(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    })());
  closeOnSignals(cleanUp);

  console.log(
    [
      '',
      'Chromium is open on the gallery with DevTools docked. In DevTools pick the "CORS" panel',
      '(under » if the tab bar is full), then press "Run all" or a card\'s buttons and watch the',
      'panel and the toolbar badge. Close the browser window (or press Ctrl+C) to stop.',
    ].join('\n'),
  );
  const exit = await exited;
  await cleanUp();
  if (exit.error) throw new Error(`Could not start Chromium (${chromiumPath}): ${exit.error.message}`);
  if (exit.code !== 0 && Date.now() - startedAt < 10_000) {
    throw new Error(`Chromium exited with code ${exit.code} right after starting:\n${stderrTail.trim()}`);
  }
  console.log('\nThe browser was closed; the lab is shut down.');
}

/** Reports the gallery page's progress while "Run all" runs, as one updating line on a terminal. */
async function followRunAll(run: RunInPage, total: number): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  const startedAt = Date.now();
  let lastQuarter = -1;
  for (;;) {
    const { state, progress, current } = await run(() => ({ ...document.body.dataset }));
    const done = Number(progress?.split('/')[0] ?? 0);
    if (process.stdout.isTTY) {
      process.stdout.write(`\r\x1b[2K  Running the gallery  ${done}/${total}  ${dim(current ?? '')}`);
    } else {
      const quarter = Math.floor((done / total) * 4);
      if (quarter > lastQuarter && state === 'running') {
        console.log(`  Running the gallery  ${done}/${total}`);
        lastQuarter = quarter;
      }
    }
    if (state === 'done') break;
    if (Date.now() > deadline) throw new Error(`The gallery did not finish within ${RUN_TIMEOUT_MS / 1000} s (at ${progress}, ${current}).`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const line = `  Ran the gallery      ${total}/${total} requests in ${seconds(Date.now() - startedAt)}`;
  console.log(process.stdout.isTTY ? `\r\x1b[2K${line}` : line);
}

async function browserVersion(browser: ExtensionBrowser, page: Page): Promise<string> {
  const cdp = await browser.context.newCDPSession(page);
  try {
    const { product } = await cdp.send('Browser.getVersion');
    return product.replace(/^(Headless)?Chrome\//, 'Chromium ');
  } finally {
    await cdp.detach();
  }
}

async function readPageResults(run: RunInPage): Promise<PageResult[]> {
  return run(() =>
    [...document.querySelectorAll<HTMLElement>('.result')].map((line) => {
      const data = line.dataset;
      return {
        caseId: data.case ?? '',
        variant: data.variant === 'fixed' ? ('fixed' as const) : ('broken' as const),
        outcome: data.outcome ?? '',
        asExpected: data.asExpected === 'true',
        detail: line.querySelector('.detail')?.textContent ?? '',
      };
    }),
  );
}

async function getReport(browser: ExtensionBrowser, tabId: number): Promise<Report> {
  let report: Report | undefined;
  try {
    report = await browser.sendMessage<Report | undefined>({ type: 'getReport', tabId });
  } catch (error) {
    throw new Error(
      `CORS Doctor's service worker did not answer getReport (${error instanceof Error ? error.message : String(error)}). Is dist/ a complete build?`,
    );
  }
  if (!report || !Array.isArray(report.entries)) {
    throw new Error(`getReport answered ${JSON.stringify(report)?.slice(0, 300)} instead of a report. Is dist/ a complete build?`);
  }
  return report;
}

/** Waits until CORS Doctor holds an entry for every gallery request (the worker judges them asynchronously). */
async function waitForCapture(browser: ExtensionBrowser, tabId: number, cases: readonly ResolvedCase[]): Promise<Report> {
  const deadline = Date.now() + CAPTURE_TIMEOUT_MS;
  for (;;) {
    const report = await getReport(browser, tabId);
    const missing = checkReport(report, cases).filter((check) => check.entry === null);
    if (missing.length === 0 || Date.now() > deadline) return report;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function exportTo(browser: ExtensionBrowser, tabId: number, format: ExportFormat, file: string): Promise<void> {
  const result = await browser.sendMessage<ExportResult | undefined>({ type: 'exportReport', tabId, format });
  if (!result || typeof result.text !== 'string') {
    throw new Error(`exportReport (${format}) answered ${JSON.stringify(result)?.slice(0, 300)}`);
  }
  writeFileSync(file, result.text);
}

/** Opens an extension page as a tab and screenshots it once its content has stopped changing. */
async function screenshotExtensionPage(
  browser: ExtensionBrowser,
  path: string,
  size: { width: number; height: number },
  file: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<void> {
  const page = await browser.context.newPage();
  try {
    await page.setViewportSize(size);
    await page.goto(`chrome-extension://${browser.extensionId}/${path}`);
    await waitForStableContent(inChromiumPage(page));
    if (prepare) {
      await prepare(page);
      await waitForStableContent(inChromiumPage(page));
    }
    await page.screenshot({ path: file });
  } finally {
    await page.close();
  }
}

/** Opens the request's details in the panel; the list shows it as a row whose URL cell carries the full URL as its title. */
async function openRequestInPanel(panel: Page, url: string): Promise<void> {
  const row = panel.locator('[role="row"]', { has: panel.locator(`[title^="${url}?"]`) }).first();
  try {
    await row.click({ timeout: 3_000 });
  } catch {
    // The screenshot still shows the request list; a panel without that row is no reason to fail the demo.
  }
}

async function waitForStableContent(run: RunInPage): Promise<void> {
  const deadline = Date.now() + 5_000;
  let previous = '';
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const text = await run(() => document.body?.innerText ?? '');
    if (text !== previous) {
      previous = text;
      stableSince = Date.now();
    } else if (text.trim() !== '' && Date.now() - stableSince >= 400) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The failures, network errors and lessons, each failure under the name the browser that saw it gives it. */
function printFailures(report: Report, cases: readonly ResolvedCase[], browser: ShownBrowser = 'chromium'): void {
  const failures = report.entries.filter((entry) => entry.verdict.blocked);
  console.log(bold(`\nCORS failures CORS Doctor found: ${failures.length}\n`));
  for (const entry of failures) {
    const found = findVariant(cases, entry.request.url);
    const name = found ? `${found.galleryCase.title}${found.variant === 'fixed' ? ' (fixed twin!)' : ''}` : entry.request.url;
    const target = new URL(entry.request.url);
    console.log(`  ${red('✗')} ${bold(name)}`);
    console.log(`      ${dim(`${entry.request.method} ${target.origin}${target.pathname}`)}`);
    const parameter = entry.verdict.failedParameter ? ` ("${entry.verdict.failedParameter}")` : '';
    if (browser === 'firefox') {
      const chromium = entry.verdict.rule ? dim(`  (Chromium: ${entry.verdict.rule}${parameter})`) : '';
      console.log(`      ${dim('reason')} ${failureName(entry.verdict, 'firefox') ?? 'none'}${chromium}`);
    } else {
      console.log(`      ${dim('rule')}  ${entry.verdict.rule ?? 'none'}${parameter}`);
    }
    if (entry.verdict.cause) console.log(`      ${dim('cause')} not really a CORS bug: ${entry.verdict.cause.title}`);
    console.log(`      ${dim('fix ')}  ${entry.verdict.fix?.summary ?? entry.verdict.title}`);
  }
  const networkErrors = report.entries.filter((entry) => entry.verdict.kind === 'network-error');
  for (const entry of networkErrors) {
    const found = findVariant(cases, entry.request.url);
    console.log(
      `\n  ${red('✗')} ${bold(found ? found.galleryCase.title : entry.request.url)} ${dim(`(not CORS: ${entry.verdict.networkError ?? 'a network error'})`)}`,
    );
    if (entry.verdict.cause) console.log(`      ${dim('cause')} ${entry.verdict.cause.summary}`);
    if (found) console.log(`      ${dim('fix ')}  ${found.galleryCase.fixNote}`);
  }
  const lessons = report.entries.filter((entry) => {
    const found = findVariant(cases, entry.request.url);
    // A lesson the gallery wrote for Chromium can be a block in Firefox: it is listed with the failures above.
    if (browser === 'firefox' && (entry.verdict.blocked || entry.verdict.kind === 'network-error')) return false;
    return (
      found?.variant === 'broken' &&
      found.galleryCase.broken.expected === null &&
      found.galleryCase.broken.networkError === null &&
      entry.request.method !== 'OPTIONS'
    );
  });
  for (const entry of lessons) {
    const found = findVariant(cases, entry.request.url)!;
    console.log(`\n  ${yellow('!')} ${bold(found.galleryCase.title)} ${dim('(not a block)')}`);
    console.log(`      ${found.galleryCase.lesson ?? found.galleryCase.description}`);
    for (const warning of entry.verdict.warnings) console.log(`      ${dim('note')}  ${warning.severity ? `[${warning.severity}] ` : ''}${warning.message}`);
    console.log(`      ${dim('fix ')}  ${found.galleryCase.fixNote}`);
  }
}

function printTotals(report: Report, checks: readonly VariantCheck[], pageResults: readonly PageResult[]): void {
  const entries = report.entries.filter((entry: ReportEntry) => entry.request.method !== 'OPTIONS');
  const blocked = entries.filter((entry) => entry.verdict.blocked).length;
  const passed = entries.filter((entry) => !entry.verdict.blocked && entry.verdict.kind !== 'network-error').length;
  const networkErrors = entries.filter((entry) => entry.verdict.kind === 'network-error');
  const errorNames = [...new Set(networkErrors.map((entry) => entry.verdict.networkError ?? entry.error ?? 'unknown'))].join(', ');
  const brokenChecks = checks.filter((check) => check.variant === 'broken' && check.galleryCase.broken.expected);
  const networkChecks = checks.filter((check) => check.variant === 'broken' && check.galleryCase.broken.networkError);
  const lessonChecks = checks.filter((check) => check.variant === 'broken' && !check.galleryCase.broken.expected && !check.galleryCase.broken.networkError);
  const fixedChecks = checks.filter((check) => check.variant === 'fixed');
  const count = (list: readonly VariantCheck[]) => `${list.filter((check) => check.ok).length}/${list.length}`;
  const byRule = Object.entries(report.summary.byRule)
    .sort(([, a], [, b]) => b - a)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  console.log(bold('\nTotals'));
  const errorsText = networkErrors.length > 0 ? `, ${networkErrors.length} network errors (${errorNames})` : '';
  console.log(`  ${entries.length} cross-origin requests captured: ${blocked} blocked by CORS, ${passed} passed${errorsText}`);
  if (byRule) console.log(`  ${dim(`by rule: ${byRule}`)}`);
  console.log(`  ${count(brokenChecks)} broken cases diagnosed as Chromium does (rule and failedParameter)`);
  if (networkChecks.length > 0) console.log(`  ${count(networkChecks)} network errors named as not CORS, with Chromium's net error`);
  if (lessonChecks.length > 0) console.log(`  ${count(lessonChecks)} non-blocking lessons judged as passing, as in Chromium`);
  console.log(`  ${count(fixedChecks)} fixed twins passed`);
  const pageSurprises = pageResults.filter((result) => !result.asExpected);
  console.log(`  ${pageResults.length - pageSurprises.length}/${pageResults.length} requests behaved on the page as their card says`);
  for (const result of pageSurprises) {
    console.log(red(`    ${result.caseId} (${result.variant}): the page saw ${result.outcome}: ${result.detail}`));
  }
  const wrong = checks.filter((check) => !check.ok);
  if (wrong.length > 0) {
    console.log(red(`\n  CORS Doctor disagreed with the gallery on ${wrong.length} request${wrong.length === 1 ? '' : 's'}:`));
    for (const check of wrong) console.log(`    ${check.galleryCase.id} (${check.variant}): ${check.problem}`);
  }
}

async function runHeadless(options: DemoOptions): Promise<boolean> {
  const startedAt = Date.now();
  console.log(bold('\nCORS Doctor · the CORS lab, headless\n'));
  findChromium();
  printField('extension', ensureExtensionBuilt());
  const { lab, url, cases } = await startGalleryLab(options.port);
  printField('lab', `${url}  (${cases.length} cases, each with a fixed twin)`);
  let browser: ExtensionBrowser | null = null;
  try {
    browser = await launchWithExtension({ headless: true, args: lab.tls.chromiumArgs });
    const page = await browser.context.newPage();
    await page.setViewportSize(PANEL_SIZE);
    await page.goto(url);
    const tabId = await browser.tabIdOf(page);
    printField('browser', `${await browserVersion(browser, page)}, headless; CORS Doctor ${browser.extensionId}`);
    console.log('');

    await page.click('#run-all');
    await followRunAll(inChromiumPage(page), cases.length * 2);
    const pageResults = await readPageResults(inChromiumPage(page));
    const report = await waitForCapture(browser, tabId, cases);
    const checks = checkReport(report, cases);

    mkdirSync(options.outDir, { recursive: true });
    const out = (name: string) => join(options.outDir, name);
    await exportTo(browser, tabId, 'markdown', out(OUTPUT_FILES.markdown));
    await exportTo(browser, tabId, 'json', out(OUTPUT_FILES.json));
    await exportTo(browser, tabId, 'har', out(OUTPUT_FILES.har));
    const run = { pageUrl: url, origins: lab.origins, tabId, results: pageResults };
    writeFileSync(out(OUTPUT_FILES.run), `${JSON.stringify(run, null, 2)}\n`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: out(OUTPUT_FILES.gallery) });
    const showcase = cases.find((galleryCase) => galleryCase.id === SHOWCASE_CASE);
    await screenshotExtensionPage(browser, `src/panel/panel.html?tabId=${tabId}`, PANEL_SIZE, out(OUTPUT_FILES.panel), (panel) =>
      showcase ? openRequestInPanel(panel, showcase.broken.url) : Promise.resolve(),
    );
    await screenshotExtensionPage(browser, `src/popup/popup.html?tabId=${tabId}`, POPUP_SIZE, out(OUTPUT_FILES.popup));

    printFailures(report, cases);
    printTotals(report, checks, pageResults);
    const shownDir = relative(process.cwd(), options.outDir) || '.';
    console.log(bold(`\nWrote ${shownDir.startsWith('..') ? options.outDir : shownDir}/`));
    console.log(`  ${Object.values(OUTPUT_FILES).join('  ')}`);
    console.log(dim(`\nDone in ${seconds(Date.now() - startedAt)}.`));
    return checks.every((check) => check.ok) && pageResults.every((result) => result.asExpected);
  } finally {
    await browser?.close();
    await lab.close();
  }
}

async function getFirefoxReport(firefox: FirefoxExtensionBrowser, tabId: number): Promise<Report> {
  const report = await firefox.sendMessage<Report | undefined>({ type: 'getReport', tabId });
  if (!report || !Array.isArray(report.entries)) {
    throw new Error(`getReport answered ${JSON.stringify(report)?.slice(0, 300)} instead of a report. Is dist-firefox/ a complete build?`);
  }
  return report;
}

/**
 * The totals of a Firefox run, by Firefox's reason keys. The gallery's expectations are Chromium's
 * verdicts, so where Firefox judges otherwise the request is listed, not counted as wrong; the
 * number returned is of requests CORS Doctor did not capture at all.
 */
function printFirefoxTotals(report: Report, checks: readonly VariantCheck[], pageResults: readonly PageResult[]): number {
  const entries = report.entries.filter((entry: ReportEntry) => entry.request.method !== 'OPTIONS');
  const blocked = entries.filter((entry) => entry.verdict.blocked);
  const passed = entries.filter((entry) => !entry.verdict.blocked && entry.verdict.kind !== 'network-error').length;
  const networkErrors = entries.filter((entry) => entry.verdict.kind === 'network-error').length;
  const byReason = new Map<string, number>();
  for (const entry of blocked) {
    const reason = failureName(entry.verdict, 'firefox') ?? 'unnamed';
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const uncaptured = checks.filter((check) => check.entry === null);
  const different = checks.filter((check) => check.entry !== null && !check.ok);
  console.log(bold('\nTotals'));
  const errorsText = networkErrors > 0 ? `, ${networkErrors} network errors` : '';
  console.log(`  ${entries.length} cross-origin requests captured: ${blocked.length} blocked by CORS, ${passed} passed${errorsText}`);
  const reasons = [...byReason].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  if (reasons.length) console.log(`  ${dim(`by Firefox reason: ${reasons.map(([reason, n]) => `${reason} ${n}`).join(', ')}`)}`);
  console.log(`  ${checks.length - uncaptured.length}/${checks.length} gallery requests captured`);
  const pageSurprises = pageResults.filter((result) => !result.asExpected).length;
  console.log(`  ${pageResults.length - pageSurprises}/${pageResults.length} requests behaved on the page as their card (written for Chromium) says`);
  if (different.length > 0) {
    console.log(`\n  Firefox judged ${different.length} request${different.length === 1 ? '' : 's'} otherwise than the gallery's Chromium expectation:`);
    for (const check of different) console.log(`    ${check.galleryCase.id} (${check.variant}): ${check.problem}`);
  }
  for (const check of uncaptured) console.log(red(`    ${check.galleryCase.id} (${check.variant}): ${check.problem}`));
  return uncaptured.length;
}

/** Builds dist-firefox/ when it is missing or older than the sources. */
function ensureFirefoxAddonBuilt(): string {
  const manifest = join(FIREFOX_DIST_DIR, 'manifest.json');
  const built = existsSync(manifest) ? statSync(manifest).mtimeMs : 0;
  if (built === 0 || BUILD_INPUTS.some((input) => newestChange(join(ROOT, input)) > built)) {
    console.log(dim('  building dist-firefox/ (npm run build:firefox) …'));
    const build = spawnSync('npm', ['run', 'build:firefox'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('npm run build:firefox failed (see above).');
  }
  return relative(process.cwd(), FIREFOX_DIST_DIR) || FIREFOX_DIST_DIR;
}

/**
 * The lab in Firefox ESR with the Firefox add-on: headless, every gallery case, the same summary,
 * exports and screenshots as in Chromium; headed, Firefox opens on the gallery until it is closed.
 * The gallery's expectations are Chromium's verdicts, so cases where Firefox judges otherwise are
 * listed, not failed: the run fails only when a request was not captured.
 */
async function runFirefox(options: DemoOptions): Promise<boolean> {
  const startedAt = Date.now();
  console.log(bold(`\nCORS Doctor · the CORS lab in Firefox${options.headless ? ', headless' : ''}\n`));
  findFirefox();
  printField('add-on', ensureFirefoxAddonBuilt());
  const { lab, url, cases } = await startGalleryLab(options.port);
  printField('lab', `${url}  (${cases.length} cases, each with a fixed twin)`);
  let firefox: FirefoxExtensionBrowser | null = null;
  try {
    // This throwaway profile accepts the lab's self-signed https certificate, and no other.
    firefox = await launchFirefoxWithExtension({ headless: options.headless, trustedCertificates: [{ origin: lab.origins.https, pem: lab.tls.cert }] });
    const page = await firefox.newPage();
    await page.setViewport(PANEL_SIZE);
    await page.goto(url);
    printField('browser', `${await firefox.browser.version()}${options.headless ? ', headless' : ''}; CORS Doctor ${firefox.addonId}`);
    if (!options.headless) {
      console.log('\nFirefox is open on the gallery with CORS Doctor. Close the window to stop.');
      await new Promise<void>((resolveClosed) => firefox!.browser.once('disconnected', () => resolveClosed()));
      return true;
    }
    const tabId = await firefox.tabIdOf(page);
    console.log('');
    await page.click('#run-all');
    await followRunAll(inFirefoxPage(page), cases.length * 2);
    const pageResults = await readPageResults(inFirefoxPage(page));
    const captureDeadline = Date.now() + CAPTURE_TIMEOUT_MS;
    let report = await getFirefoxReport(firefox, tabId);
    while (checkReport(report, cases, 'firefox').some((check) => check.entry === null) && Date.now() < captureDeadline) {
      await new Promise((r) => setTimeout(r, 200));
      report = await getFirefoxReport(firefox, tabId);
    }
    const checks = checkReport(report, cases, 'firefox');

    mkdirSync(options.outDir, { recursive: true });
    const out = (name: string) => join(options.outDir, name);
    for (const format of ['markdown', 'json', 'har'] as const) {
      const result = await firefox.sendMessage<ExportResult | undefined>({ type: 'exportReport', tabId, format });
      if (!result || typeof result.text !== 'string') throw new Error(`exportReport (${format}) answered ${JSON.stringify(result)?.slice(0, 300)}`);
      writeFileSync(out(OUTPUT_FILES[format]), result.text);
    }
    const run = { pageUrl: url, origins: lab.origins, tabId, results: pageResults };
    writeFileSync(out(OUTPUT_FILES.run), `${JSON.stringify(run, null, 2)}\n`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: out(OUTPUT_FILES.gallery) });
    const showcase = cases.find((galleryCase) => galleryCase.id === SHOWCASE_CASE);
    for (const [path, size, file] of [
      [`src/panel/panel.html?tabId=${tabId}`, PANEL_SIZE, OUTPUT_FILES.panel],
      [`src/popup/popup.html?tabId=${tabId}`, POPUP_SIZE, OUTPUT_FILES.popup],
    ] as const) {
      const extensionPage = await firefox.openExtensionPage(path);
      try {
        await extensionPage.setViewport(size);
        await waitForStableContent(inFirefoxPage(extensionPage));
        if (file === OUTPUT_FILES.panel && showcase) {
          // As in Chromium: the panel shows the showcase failure's details (the list alone is no reason to fail).
          const opened = await extensionPage
            .click(`[role="row"] [title^="${showcase.broken.url}?"]`)
            .then(() => true)
            .catch(() => false);
          if (opened) await waitForStableContent(inFirefoxPage(extensionPage));
        }
        await extensionPage.screenshot({ path: out(file) });
      } finally {
        await extensionPage.close();
      }
    }

    printFailures(report, cases, 'firefox');
    const uncaptured = printFirefoxTotals(report, checks, pageResults);
    const shownDir = relative(process.cwd(), options.outDir) || '.';
    console.log(bold(`\nWrote ${shownDir.startsWith('..') ? options.outDir : shownDir}/`));
    console.log(`  ${Object.values(OUTPUT_FILES).join('  ')}`);
    console.log(dim(`\nDone in ${seconds(Date.now() - startedAt)}.`));
    return uncaptured === 0;
  } finally {
    await firefox?.close();
    await lab.close();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  if (options.browser === 'firefox') {
    if (!(await runFirefox(options))) {
      console.error(red('\nnpm start: CORS Doctor did not capture every gallery request in Firefox (see above).'));
      process.exitCode = 1;
    }
    return;
  }
  if (!options.headless) {
    await runHeaded(options);
    return;
  }
  const allAsExpected = await runHeadless(options);
  if (!allAsExpected) {
    console.error(red('\nnpm start: CORS Doctor did not diagnose every gallery case as Chromium does (see above).'));
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  // The message says what to do; a stack trace would bury it. DEBUG=1 shows it.
  const message = error instanceof Error ? (process.env.DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
  console.error(`\n${red('npm start failed:')} ${message}`);
  process.exit(1);
});
