/**
 * The worker's watch wiring (watch.ts, capture.ts): the webRequest listeners, the suspected counts
 * on the badge, the watch messages and the DevTools page's port. index.ts calls `startWatching`
 * synchronously at the top level, so every listener is registered in the worker's first task.
 */
import { browser, detectBrowser, supportsExtraHeaders, type SessionArea } from '../platform/index';
import { DEVTOOLS_PORT_NAME } from '../shared/watch';
import type { BadgeController } from './badge';
import { registerCapture, type FullCapture, type WebRequestApi } from './capture';
import type { RequestDetails } from './assembler';
import type { CaptureSink } from './service';
import { handleWatchMessage, WatchController } from './watch';

/** Registers the listeners (synchronously) and starts reading the watch state. */
export function startWatching(parts: {
  capture: CaptureSink;
  session: SessionArea;
  badge: Pick<BadgeController, 'showSuspected'>;
  documentResponse(details: RequestDetails): void;
}): { watch: WatchController; fullCapture: FullCapture } {
  const fullCapture = registerCapture(browser.webRequest as unknown as WebRequestApi, parts.capture, {
    extraHeaders: supportsExtraHeaders(),
    listenersApplied: () => browser.runtime.getPlatformInfo(),
    onTopLevelResponse: (details) => {
      parts.documentResponse(details);
      void controller.navigated(details.tabId);
    },
    // Events come in later tasks, once `controller` below exists.
    onSuspectedFailure: (details) => void controller.suspectedFailure(details.tabId),
  });
  const controller = new WatchController({
    defaultMode: detectBrowser() === 'firefox' ? 'everything' : 'watched-tabs',
    local: browser.storage.local as unknown as SessionArea,
    session: parts.session,
    applyScope: (scope) => fullCapture.setScope(scope),
    openTabIds: async () => (await browser.tabs.query({})).flatMap((tab) => (tab.id === undefined ? [] : [tab.id])),
    showSuspected: (tabId, count) => parts.badge.showSuspected(tabId, count),
  });
  browser.runtime.onMessage.addListener((message: unknown) => handleWatchMessage(controller, message));
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== DEVTOOLS_PORT_NAME) return;
    let tabId: number | null = null;
    port.onMessage.addListener((message: unknown) => {
      const id = (message as { tabId?: unknown } | null)?.tabId;
      if (tabId !== null || typeof id !== 'number' || !Number.isInteger(id)) return;
      tabId = id;
      void controller.devtoolsOpened(id);
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== null) void controller.devtoolsClosed(tabId);
    });
  });
  browser.tabs.onRemoved.addListener((tabId) => void controller.tabRemoved(tabId));
  return { watch: controller, fullCapture };
}
