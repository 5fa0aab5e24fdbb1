/**
 * The one place extension code gets the WebExtension API from. webextension-polyfill gives the
 * promise-based `browser` namespace on Chrome and passes Firefox's native one through, so that a
 * Firefox build is a build target rather than a rewrite.
 */
import browser from 'webextension-polyfill';

export { browser };
export type { Runtime, Tabs, WebRequest } from 'webextension-polyfill';

export { browserInfo, detectBrowser, type BrowserName } from './browser-name';
