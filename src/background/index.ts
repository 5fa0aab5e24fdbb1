/**
 * The service worker. Everything that registers a browser listener runs synchronously at the top
 * level: Chromium delivers the events that wake a stopped worker only to listeners registered
 * during its first run.
 */
import { judgeExchange } from '../engine/index';
import { exportReport } from '../report/export';
import { PANEL_PORT_NAME } from '../shared/messages';
import { badgeSurface, browser, browserInfo, detectBrowser, sessionArea, supportsExtraHeaders } from '../platform/index';
import { BADGE_COLOR } from './badge';
import { registerCapture, type WebRequestApi } from './capture';
import { captureProfileFor } from './profiles/index';
import { Background, type PortLike } from './service';

const manifest = browser.runtime.getManifest();

const background = new Background({
  area: sessionArea(),
  badge: badgeSurface(BADGE_COLOR),
  // Firefox's own rules decide blocked or not there (src/engine/firefox/).
  judge: (exchange) => judgeExchange(exchange, { browser: detectBrowser() }),
  getTab: (tabId) => browser.tabs.get(tabId),
  listTabs: () => browser.tabs.query({}),
  tool: { name: manifest.name, version: manifest.version },
  browserInfo: browserInfo(),
  captureProfile: captureProfileFor(detectBrowser()),
  exportReport: (report, format, includeSecrets, stack) => exportReport(report, format, { includeSecrets, ...(stack === undefined ? {} : { stack }) }),
});

registerCapture(browser.webRequest as unknown as WebRequestApi, background.capture, {
  extraHeaders: supportsExtraHeaders(),
  onTopLevelResponse: (details) => void background.navigated(details.tabId, details.url),
});

/** Read by the browser tests through the worker (Playwright `worker.evaluate`); holds no network data. */
(globalThis as { corsDoctorProbe?: unknown }).corsDoctorProbe = {
  eventsReceived: () => background.eventsReceived,
};

browser.runtime.onMessage.addListener((message: unknown) => background.handleMessage(message));

browser.runtime.onConnect.addListener((port) => {
  if (port.name === PANEL_PORT_NAME) background.handlePort(port as unknown as PortLike);
});

browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
  if (changeInfo.status === 'loading' || changeInfo.url !== undefined) void background.tabUpdated(tabId);
});

browser.tabs.onRemoved.addListener((tabId) => void background.tabRemoved(tabId));
