/**
 * The service worker. Everything that registers a browser listener runs synchronously at the top
 * level: Chromium delivers the events that wake a stopped worker only to listeners registered
 * during its first run.
 */
import { judgeExchange, responsePassesCorsChecks } from '../engine/index';
import { exportReport } from '../report/export';
import { PANEL_PORT_NAME } from '../shared/messages';
import { badgeSurface, browser, browserInfo, detectBrowser, sessionArea } from '../platform/index';
import { registerDocumentTracking, type DocumentWebRequestApi } from './documents';
import { captureProfileFor } from './profiles/index';
import { Background, type PortLike } from './service';
import { startWatching } from './watching';
import { jsonArea } from './json-area';

const manifest = browser.runtime.getManifest();
/** Whose rules decide blocked or not, and whose event order the capture follows. */
const browserName = detectBrowser();
// Values go in as JSON text: far cheaper for the worker than the area's own object conversion.
const area = jsonArea(sessionArea());
let scopeIsKnown: () => void = () => {};
const scopeKnown = new Promise<void>((resolve) => (scopeIsKnown = resolve));

const background = new Background({
  area,
  badge: badgeSurface(),
  judge: (exchange) => judgeExchange(exchange, { browser: browserName }),
  passesCorsChecks: (exchange) => responsePassesCorsChecks(exchange),
  getTab: (tabId) => browser.tabs.get(tabId),
  listTabs: () => browser.tabs.query({}),
  tool: { name: manifest.name, version: manifest.version },
  browserInfo: browserInfo(),
  captureProfile: captureProfileFor(browserName),
  exportReport: (report, format, includeSecrets, stack) => exportReport(report, format, { includeSecrets, ...(stack === undefined ? {} : { stack }) }),
  // Called only once the scope is known, when fullCapture exists.
  captureScope: { known: () => scopeKnown, captures: (tabId) => fullCapture.covers(tabId) !== false },
});

const { watch, fullCapture } = startWatching({
  capture: background.capture,
  session: area,
  badge: background.badge,
  documentResponse: (details) => background.documentResponse(details),
});
void watch.scopeApplied.then(scopeIsKnown);

// Iframe documents (their requests' frameUrl) and speculative navigations (not the tab's new page).
registerDocumentTracking(browser.webRequest as unknown as DocumentWebRequestApi, {
  onMainFrameRequest: (details) => background.mainFrameRequest(details),
  onFrameResponse: (details) => background.documentResponse(details),
});

/** Read by the browser tests through the worker (Playwright `worker.evaluate`); holds no network data. */
(globalThis as { corsDoctorProbe?: unknown }).corsDoctorProbe = {
  eventsReceived: () => background.eventsReceived,
  /** Which full-capture listener sets are registered, and the watch state, once it is read. */
  capture: async () => ({ ...fullCapture.listenerSets(), state: await watch.view(-1) }),
  /** The launcher's switch: full capture on every tab, applied before it resolves. */
  setWatchMode: (mode: 'everything' | 'watched-tabs') => watch.setMode(mode),
  /** Switches one tab's watching, as the popup does (for the benchmark, which has no popup). */
  setWatch: (tabId: number, watched: boolean) => watch.setWatch(tabId, watched),
};

browser.runtime.onMessage.addListener((message: unknown) => background.handleMessage(message));

browser.runtime.onConnect.addListener((port) => {
  if (port.name === PANEL_PORT_NAME) background.handlePort(port as unknown as PortLike);
});

browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
  if (changeInfo.status === 'loading' || changeInfo.url !== undefined) void background.tabUpdated(tabId);
});

browser.tabs.onRemoved.addListener((tabId) => void background.tabRemoved(tabId));

// A discarded tab comes back under a new id; the old one's page (and log) is gone like a closed tab's.
browser.tabs.onReplaced.addListener((_addedTabId, removedTabId) => void background.tabRemoved(removedTabId));
