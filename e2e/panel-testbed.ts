/**
 * The set-up the panel's rendering tests share (panel-safety, panel-long-values): the lab, Chromium
 * with CORS Doctor, a lab page in a tab whose report the panel shows, and the panel page opened for
 * that tab once it is connected.
 */
import { startLab, type Lab } from '../lab/server';
import { launchWithExtension, waitFor, type ExtensionBrowser, type Page } from './harness';

export interface PanelTestbed {
  lab: Lab;
  browser: ExtensionBrowser;
  /** The inspected page: an empty lab page at `path`. */
  labPage: Page;
  tabId: number;
  close(): Promise<void>;
}

export async function startPanelTestbed(path: string, title: string): Promise<PanelTestbed> {
  const lab = await startLab();
  const browser = await launchWithExtension();
  const labPage = await browser.context.newPage();
  await labPage.goto(lab.page(path, `<!doctype html><title>${title}</title>`));
  const tabId = await browser.tabIdOf(labPage);
  return {
    lab,
    browser,
    labPage,
    tabId,
    async close() {
      await browser.close();
      await lab.close();
    },
  };
}

/** The panel page for the tab, as a tab of its own, once its port to the worker is live. */
export async function openPanelFor(browser: ExtensionBrowser, tabId: number): Promise<Page> {
  const panel = await browser.context.newPage();
  await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=${tabId}`);
  await waitFor(
    () => panel.locator('.connection').textContent(),
    (text) => text?.includes('live') ?? false,
    { what: 'the panel to connect' },
  );
  return panel;
}
