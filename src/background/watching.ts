/**
 * The worker's watch wiring (watch.ts, capture.ts): the badge that also shows suspected failures,
 * the webRequest listeners, the watch messages and the DevTools page's port. index.ts calls
 * `start` synchronously at the top level, so every listener is registered in the worker's first task.
 */
import { browser, detectBrowser, supportsExtraHeaders, type SessionArea } from '../platform/index';
import { DEVTOOLS_PORT_NAME } from '../shared/watch';
import { BADGE_COLOR, type BadgeSurface } from './badge';
import { registerCapture, type FullCapture, type WebRequestApi } from './capture';
import type { RequestDetails } from './assembler';
import type { CaptureSink } from './service';
import { handleWatchMessage, WatchController, WatchedBadge } from './watch';

interface ActionColorApi {
  setBadgeBackgroundColor(details: { tabId?: number; color: string }): Promise<void>;
}

export interface Watching {
  badge: WatchedBadge;
  /** Registers the listeners (synchronously) and starts reading the watch state. */
  start(parts: { capture: CaptureSink; session: SessionArea; documentResponse(details: RequestDetails): void }): {
    watch: WatchController;
    fullCapture: FullCapture;
  };
}

export function createWatching(innerBadge: BadgeSurface): Watching {
  const action = ((browser as unknown as { action?: ActionColorApi }).action ?? (browser as unknown as { browserAction?: ActionColorApi }).browserAction) as
    | ActionColorApi
    | undefined;
  let watch: WatchController | null = null;
  const badge = new WatchedBadge(
    { ...innerBadge, setColor: (tabId, color) => action?.setBadgeBackgroundColor({ tabId, color }) ?? Promise.resolve() },
    BADGE_COLOR,
    (tabId) => watch?.suspectedCount(tabId) ?? 0,
  );
  return {
    badge,
    start(parts) {
      const fullCapture = registerCapture(browser.webRequest as unknown as WebRequestApi, parts.capture, {
        extraHeaders: supportsExtraHeaders(),
        listenersApplied: () => browser.runtime.getPlatformInfo(),
        onTopLevelResponse: (details) => {
          parts.documentResponse(details);
          void watch?.navigated(details.tabId);
        },
        onSuspectedFailure: (details) => void watch?.suspectedFailure(details.tabId),
      });
      const controller = new WatchController({
        defaultMode: detectBrowser() === 'firefox' ? 'everything' : 'watched-tabs',
        local: browser.storage.local as unknown as SessionArea,
        session: parts.session,
        applyScope: (scope) => fullCapture.setScope(scope),
        openTabIds: async () => (await browser.tabs.query({})).flatMap((tab) => (tab.id === undefined ? [] : [tab.id])),
        paintSuspected: (tabId) => void badge.paint(tabId).catch(() => {}),
      });
      watch = controller;
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
      browser.tabs.onRemoved.addListener((tabId) => {
        badge.forget(tabId);
        void controller.tabRemoved(tabId);
      });
      return { watch: controller, fullCapture };
    },
  };
}
