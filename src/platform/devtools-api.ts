/**
 * The DevTools API, for the DevTools page and the panel. It exists only in pages DevTools opened;
 * the same panel page also runs as a pop-out tab, where every function here answers "none".
 * This reads the callback-style `chrome.devtools` (Chromium; Firefox provides it too), because the
 * theme-change handler has no promise form to wrap.
 */

interface DevtoolsApi {
  inspectedWindow: { tabId: number };
  panels: {
    themeName?: string;
    setThemeChangeHandler?(handler: (themeName: string) => void): void;
    create(title: string, iconPath: string, pagePath: string): unknown;
  };
}

function devtoolsApi(): DevtoolsApi | undefined {
  return (globalThis as { chrome?: { devtools?: DevtoolsApi } }).chrome?.devtools;
}

/** Whether this page was opened by DevTools (as opposed to a pop-out tab). */
export function inDevToolsPage(): boolean {
  return devtoolsApi() !== undefined;
}

/** The tab the DevTools window inspects, or undefined outside DevTools. */
export function inspectedTabId(): number | undefined {
  return devtoolsApi()?.inspectedWindow.tabId;
}

/** DevTools' theme name ('default' or 'dark'), or undefined outside DevTools. */
export function devtoolsThemeName(): string | undefined {
  return devtoolsApi()?.panels.themeName;
}

/** Calls `handler` when the user switches the DevTools theme. */
export function onDevtoolsThemeChange(handler: (themeName: string) => void): void {
  devtoolsApi()?.panels.setThemeChangeHandler?.(handler);
}

/** Adds a panel to the DevTools window (only the DevTools page may). */
export function createDevtoolsPanel(title: string, iconPath: string, pagePath: string): void {
  devtoolsApi()?.panels.create(title, iconPath, pagePath);
}
