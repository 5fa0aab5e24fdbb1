/**
 * The platform seam: every WebExtension call in src/ goes through this module (the worker, the
 * panel, the popup and the DevTools page), so that a browser whose APIs differ changes only the
 * files behind it. Feature tests rather than browser sniffing wherever an API can be probed;
 * `detectBrowser` for what cannot (which capture profile and verdict rules apply).
 */
export { badgeSurface, type BadgeSurface } from './action';
export { browser, browserInfo, detectBrowser, type BrowserName, type Runtime, type Tabs, type WebRequest } from './browser';
export { createDevtoolsPanel, devtoolsThemeName, inDevToolsPage, inspectedTabId, onDevtoolsThemeChange } from './devtools-api';
export { acknowledgeLastError } from './runtime';
export { memoryArea } from './memory-area';
export { sessionArea, type SessionArea } from './storage';
export { supportsExtraHeaders } from './web-request';
