/**
 * What most Firefox tests start from: the CORS lab, Firefox ESR with the built add-on, and one tab
 * on the lab's blank page, with its tab id.
 */
import { startLab, type Lab } from '../../lab/server';
import { launchFirefoxWithExtension, type FirefoxExtensionBrowser, type Page } from '../../tools/firefox';

export interface FirefoxLabTab {
  lab: Lab;
  firefox: FirefoxExtensionBrowser;
  page: Page;
  tabId: number;
  /** Closes Firefox (waiting for its processes and removing its profile), then the lab. */
  close(): Promise<void>;
}

export async function openFirefoxLabTab(): Promise<FirefoxLabTab> {
  const lab = await startLab();
  let firefox: FirefoxExtensionBrowser | null = null;
  try {
    firefox = await launchFirefoxWithExtension();
    const page = await firefox.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    const tabId = await firefox.tabIdOf(page);
    const opened = firefox;
    return {
      lab,
      firefox: opened,
      page,
      tabId,
      close: async () => {
        await opened.close();
        await lab.close();
      },
    };
  } catch (error) {
    await firefox?.close();
    await lab.close();
    throw error;
  }
}
