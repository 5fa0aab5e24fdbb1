import { render } from 'preact';
import { browser } from '../platform/browser';
import { deliverExport } from '../report/download';
import { reportExportFormat } from '../report/formats';
import { pickedStack } from '../shared/preferred-stack';
import type { ExportFormat, ExportResult, Request } from '../shared/messages';
import type { Report } from '../shared/report';
import type { TabWatch, WatchRequest } from '../shared/watch';
import { Popup, type PopupActions } from './Popup';

const params = new URLSearchParams(location.search);

/** `?tabId=N` lets the popup be opened as a tab for another tab (tests, and links from the panel). */
function tabIdFromUrl(): number | null {
  const raw = params.get('tabId');
  if (raw === null || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

async function resolveTabId(): Promise<number | null> {
  const fromUrl = tabIdFromUrl();
  if (fromUrl !== null) return fromUrl;
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  return active?.id ?? null;
}

function actionsFor(tabId: number): PopupActions {
  const ask = <T,>(request: WatchRequest) => browser.runtime.sendMessage(request) as Promise<T>;
  return {
    watch: {
      loadWatch: () => ask<TabWatch>({ type: 'getWatchState', tabId }),
      setWatched: (watched) => ask<TabWatch>({ type: 'setWatch', tabId, watched }),
      setMode: (mode) => ask({ type: 'setWatchMode', mode }),
      reloadTab: () => browser.tabs.reload(tabId),
    },
    async loadReport() {
      const request: Request = { type: 'getReport', tabId };
      const report = (await browser.runtime.sendMessage(request)) as Report | undefined;
      if (!report || !Array.isArray(report.entries)) throw new Error('the extension sent no report');
      return report;
    },
    async exportAs(format: ExportFormat, includeSecrets: boolean) {
      const stack = await pickedStack();
      const request: Request = { type: 'exportReport', tabId, format, includeSecrets, ...(stack === undefined ? {} : { stack }) };
      const result = (await browser.runtime.sendMessage(request)) as ExportResult | undefined;
      if (!result || typeof result.text !== 'string') throw new Error('the extension returned no export');
      const info = reportExportFormat(format);
      await deliverExport(info, result);
      return info.delivery === 'clipboard' ? `${info.name} copied to the clipboard.` : `Saved ${result.filename}`;
    },
    async openPanel() {
      await browser.tabs.create({ url: browser.runtime.getURL(`src/panel/panel.html?tabId=${tabId}`) });
      // As the toolbar popup, get out of the way of the new tab; opened as a page (?tabId=N), stay.
      if (tabIdFromUrl() === null) window.close();
    },
  };
}

const root = document.getElementById('app')!;

if (params.get('harness') === '1') {
  // The test harness keeps this page open to call the runtime API: no polling, no tab lookups,
  // nothing that would wake the service worker behind the tests' backs.
  render(
    <main class="popup">
      <p class="empty">CORS Doctor test harness page.</p>
    </main>,
    root,
  );
} else {
  resolveTabId()
    .catch(() => null)
    .then((tabId) => {
      const actions: PopupActions =
        tabId === null
          ? {
              loadReport: () => Promise.reject(new Error('no tab')),
              exportAs: () => Promise.reject(new Error('no tab')),
              openPanel: () => Promise.reject(new Error('no tab')),
            }
          : actionsFor(tabId);
      render(<Popup tabId={tabId} actions={actions} />, root);
    });
}
