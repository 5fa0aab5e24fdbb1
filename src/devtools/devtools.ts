// The DevTools page only adds the panel; the panel page does the work. The tab id travels in the
// URL so the same page also works as a pop-out tab, where chrome.devtools is undefined.
const tabId = chrome.devtools.inspectedWindow.tabId;
const theme = chrome.devtools.panels.themeName === 'dark' ? 'dark' : 'light';
chrome.devtools.panels.create(
  'CORS',
  '/icons/icon-32.png',
  `/src/panel/panel.html?tabId=${tabId}&theme=${theme}&devtools=1`,
);
