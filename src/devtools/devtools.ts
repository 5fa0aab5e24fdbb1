// The DevTools page only adds the panel; the panel page does the work. The tab id travels in the
// URL so the same page also works as a pop-out tab, where chrome.devtools is undefined.
const tabId = chrome.devtools.inspectedWindow.tabId;
const theme = chrome.devtools.panels.themeName === 'dark' ? 'dark' : 'light';
chrome.devtools.panels.create(
  'CORS',
  '/icons/icon-32.png',
  `/src/panel/panel.html?tabId=${tabId}&theme=${theme}&devtools=1`,
);

// DevTools is open on this tab while this page runs: it tells the worker, which watches the tab
// (full capture) until the port closes. A worker stop cuts the port: connect again at once.
function holdWatchPort(): void {
  try {
    const port = chrome.runtime.connect({ name: 'cors-doctor-devtools' });
    port.postMessage({ tabId });
    port.onDisconnect.addListener(() => holdWatchPort());
  } catch {
    // The extension was reloaded or removed: this page is orphaned, nothing to watch for.
  }
}
holdWatchPort();
