// The DevTools page only adds the panel; the panel page does the work. The tab id travels in the
// URL so the same page also works as a pop-out tab, where the DevTools API is undefined.
import { createDevtoolsPanel, devtoolsThemeName, inspectedTabId } from '../platform/devtools-api';
import { acknowledgeLastError, browser } from '../platform/index';
import { DEVTOOLS_PORT_NAME } from '../shared/watch';

const tabId = inspectedTabId();
const theme = devtoolsThemeName() === 'dark' ? 'dark' : 'light';
createDevtoolsPanel('CORS', '/icons/icon-32.png', `/src/panel/panel.html?tabId=${tabId}&theme=${theme}&devtools=1`);

/** A port cut sooner than this after it opened waits this long before the next try (no tight loop). */
const RECONNECT_PAUSE_MS = 1_000;

// DevTools is open on this tab while this page runs: it tells the worker, which watches the tab
// (full capture) until the port closes. A worker stop cuts the port: connect again at once.
function holdWatchPort(): void {
  const opened = Date.now();
  try {
    const port = browser.runtime.connect({ name: DEVTOOLS_PORT_NAME });
    port.postMessage({ tabId });
    port.onDisconnect.addListener(() => {
      acknowledgeLastError();
      setTimeout(holdWatchPort, Date.now() - opened < RECONNECT_PAUSE_MS ? RECONNECT_PAUSE_MS : 0);
    });
  } catch {
    // The extension was reloaded or removed: this page is orphaned, nothing to watch for.
  }
}
holdWatchPort();
