/**
 * Node-side helper for the one browser test that drives the real DevTools panel. Chromium loads an
 * extension's devtools_page only when headed, and only when started directly (not over Playwright's
 * pipe) with --remote-debugging-port and --auto-open-devtools-for-tabs. CI has no display, so this
 * starts its own Xvfb and points Chromium at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { DIST_DIR, findChromium, QUIET_FLAGS, removeProfile } from '../tools/chromium';

export interface VirtualDisplay {
  display: string;
  stop(): Promise<void>;
}

/** Starts Xvfb on a free display; `-displayfd` makes the server pick it and report it back. */
export function startXvfb(): Promise<VirtualDisplay> {
  return new Promise((resolveDisplay, reject) => {
    const server = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let reported = '';
    let stderr = '';
    server.stderr!.on('data', (chunk) => (stderr += chunk));
    server.once('error', (error) => reject(new Error(`Could not start Xvfb (is it installed? apt-get install xvfb): ${error.message}`)));
    server.once('exit', (code) => reject(new Error(`Xvfb exited with ${code} before reporting a display: ${stderr}`)));
    server.stdio[3]!.on('data', (chunk) => {
      reported += chunk;
      if (!reported.includes('\n')) return;
      resolveDisplay({ display: `:${reported.trim()}`, stop: () => stopProcess(server) });
    });
  });
}

export interface HeadedChromium {
  browser: Browser;
  process: ChildProcess;
  close(): Promise<void>;
}

/** Chromium under `display` with the extension loaded and DevTools opening for every tab. */
export async function launchHeadedWithDevTools(display: string, startUrl: string): Promise<HeadedChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cors-doctor-devtools-'));
  const child = spawn(
    findChromium(),
    [
      ...QUIET_FLAGS,
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-port=0',
      '--auto-open-devtools-for-tabs',
      `--disable-extensions-except=${DIST_DIR}`,
      `--load-extension=${DIST_DIR}`,
      '--window-size=1400,900',
      'about:blank',
    ],
    // Detached: Chromium and all its helper processes form one process group that close() waits for.
    { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  const endpoint = await new Promise<string>((resolveEndpoint, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools endpoint: ${stderr.slice(-2000)}`)), 30_000);
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolveEndpoint(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
  await openTabOnceExtensionLoaded(endpoint, startUrl);
  await waitForDevToolsPage(endpoint);
  let browser: Browser;
  try {
    browser = await connectWithRetries(endpoint);
  } catch (error) {
    await stopProcess(child);
    await removeProfile(userDataDir, child.pid ?? null);
    throw error;
  }
  return {
    browser,
    process: child,
    async close() {
      await browser.close().catch(() => {});
      await stopProcess(child);
      // Chromium's helper processes may still be writing to the profile after the main one exits.
      await removeProfile(userDataDir, child.pid ?? null);
    },
  };
}

interface HttpTarget {
  id: string;
  type: string;
  url: string;
}

function listTargets(endpoint: string): Promise<HttpTarget[]> {
  return fetch(`http://${new URL(endpoint).host}/json/list`).then((response) => response.json() as Promise<HttpTarget[]>);
}

/**
 * DevTools asks for the installed extensions when it opens: one opened for the start-up tab before
 * the extension has loaded never gets its devtools page. So the start-up tab stays blank, the
 * inspected tab is opened once the extension's worker runs, and the blank one is closed.
 */
async function openTabOnceExtensionLoaded(endpoint: string, url: string, timeoutMs = 30_000): Promise<void> {
  const base = `http://${new URL(endpoint).host}`;
  const deadline = Date.now() + timeoutMs;
  let targets = await listTargets(endpoint);
  while (!targets.some((target) => target.type === 'service_worker' && target.url.startsWith('chrome-extension://'))) {
    if (Date.now() > deadline) throw new Error(`The extension's service worker never started; targets: ${JSON.stringify(targets.map((t) => t.url))}`);
    await new Promise((wait) => setTimeout(wait, 100));
    targets = await listTargets(endpoint);
  }
  const blankTabs = targets.filter((target) => target.type === 'page' && target.url === 'about:blank');
  const opened = await fetch(`${base}/json/new?${url}`, { method: 'PUT' });
  if (!opened.ok) throw new Error(`Chromium would not open ${url}: ${opened.status} ${await opened.text()}`);
  for (const tab of blankTabs) await fetch(`${base}/json/close/${tab.id}`);
}

/**
 * Playwright's connectOverCDP attaches to every target before it resolves, and it hung now and then
 * when it did so while DevTools was still opening. The HTTP target list needs no attach: wait there
 * until DevTools has loaded the extension's devtools page, and only then connect.
 */
async function waitForDevToolsPage(endpoint: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const targets = await listTargets(endpoint);
    if (targets.some((target) => target.url.includes('/src/devtools/devtools.html'))) return;
    if (Date.now() > deadline) throw new Error(`DevTools never loaded the extension's devtools page; targets: ${JSON.stringify(targets.map((t) => t.url))}`);
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

/** Short attempts, so a connection that still hangs is abandoned and a fresh one tried. */
async function connectWithRetries(endpoint: string, attempts = 4): Promise<Browser> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await chromium.connectOverCDP(endpoint, { timeout: 20_000 });
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`Could not connect to Chromium over CDP in ${attempts} attempts: ${String(lastError)}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}

export interface TargetSession {
  targetId: string;
  url: string;
  /** Evaluates an expression (awaiting promises) in the target's main world and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
}

/**
 * Playwright lists neither DevTools' own window nor the extension frames inside it as pages, so the
 * test talks to them through the browser-level CDP session (Target.sendMessageToTarget).
 */
export async function attachToTarget(browser: Browser, match: (url: string, type: string) => boolean, timeoutMs = 30_000): Promise<TargetSession> {
  const cdp = await browser.newBrowserCDPSession();
  const deadline = Date.now() + timeoutMs;
  let target: { targetId: string; url: string; type: string } | undefined;
  while (!target) {
    const { targetInfos } = await cdp.send('Target.getTargets');
    target = targetInfos.find((info) => match(info.url, info.type));
    if (target) break;
    if (Date.now() > deadline) {
      throw new Error(`No target matched within ${timeoutMs} ms; targets: ${targetInfos.map((t) => `${t.type} ${t.url}`).join(', ')}`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let nextId = 1;
  const pending = new Map<number, (reply: { result?: any; error?: { message: string } }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const reply = JSON.parse(event.message);
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  async function evaluate<T>(expression: string): Promise<T> {
    const id = nextId++;
    const reply = await new Promise<{ result?: any; error?: { message: string } }>((done) => {
      pending.set(id, done);
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }),
      });
    });
    if (reply.error) throw new Error(reply.error.message);
    if (reply.result.exceptionDetails) throw new Error(`In ${target!.url}: ${JSON.stringify(reply.result.exceptionDetails).slice(0, 1000)}`);
    return reply.result.result.value as T;
  }
  return { targetId: target.targetId, url: target.url, evaluate };
}

/** Switches DevTools to an extension's panel the way clicking its tab does. */
export async function showExtensionPanel(devtoolsFrontend: TargetSession, title: string): Promise<void> {
  const shown = await devtoolsFrontend.evaluate<boolean>(`(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    const inspector = UI.InspectorView.InspectorView.instance();
    const tab = inspector.tabbedPane.tabs.find((t) => t.title === ${JSON.stringify(title)});
    if (!tab) return false;
    await inspector.showPanel(tab.id);
    return true;
  })()`);
  if (!shown) throw new Error(`DevTools has no panel titled ${title}`);
}
