import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from '../platform/browser';
import type { ExportFormat, ExportResult, PortMessage, Request } from '../shared/messages';
import type { Report, ReportEntry } from '../shared/report';
import { App, type PanelActions } from './App';
import { copyExportedText } from '../report/download';
import { exportCurl, exportTicket } from '../report/export';
import { pickedStack } from '../report/picked-stack';
import { connectToTab, type ConnectionStatus, type PortLike } from './connection';
import { saveExport } from './exporting';
import { createMessageBatcher } from './batching';
import { applyEntries, applyPortMessage, PanelStore, searchTextOf } from './store';
import { resolveTabId, resolveTheme, type Theme } from './theme';

declare global {
  interface Window {
    /**
     * Feeds a message into the panel exactly as the worker's port would. Only code running in this
     * extension page can reach it (web pages and content scripts cannot); tests and the benchmark
     * use it to inject crafted data through the production path.
     */
    corsDoctorPanel?: { deliver(message: PortMessage): void };
  }
}

const params = new URLSearchParams(location.search);
const devtools = typeof chrome !== 'undefined' ? chrome.devtools : undefined;
const inDevTools = params.get('devtools') === '1' || devtools !== undefined;

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}
applyTheme(resolveTheme(params, devtools?.panels.themeName, matchMedia('(prefers-color-scheme: dark)').matches));
devtools?.panels.setThemeChangeHandler?.((themeName) => applyTheme(themeName === 'dark' ? 'dark' : 'light'));

const root = document.getElementById('app')!;
const requestedTabId = resolveTabId(params, devtools?.inspectedWindow.tabId);

if (requestedTabId === null) {
  render(
    <p class="fatal">
      No tab to inspect. Open this page from the CORS panel in DevTools, or with <code>?tabId=N</code> in its URL.
    </p>,
    root,
  );
} else {
  const tabId = requestedTabId;
  const store = new PanelStore();
  const batcher = createMessageBatcher(
    (entries) => store.update((state) => applyEntries(state, entries)),
    (message) => {
      store.update((state) => applyPortMessage(state, message));
      if (message.type === 'snapshot') warmSearchText(message.report.entries);
    },
    // A timer, not requestAnimationFrame: a DevTools panel that is not shown gets no frames.
    (flush) => setTimeout(flush, 16),
  );
  const deliver = (message: PortMessage) => batcher.deliver(message);
  window.corsDoctorPanel = { deliver };

  const actions: PanelActions = {
    async clear() {
      const request: Request = { type: 'clearTab', tabId };
      await browser.runtime.sendMessage(request);
      deliver({ type: 'cleared' });
    },
    openInTab: inDevTools
      ? async () => {
          await browser.tabs.create({ url: browser.runtime.getURL(`src/panel/panel.html?tabId=${tabId}`) });
        }
      : null,
    async exportReport(format: ExportFormat, includeSecrets: boolean) {
      const stack = await pickedStack();
      const request: Request = { type: 'exportReport', tabId, format, includeSecrets, ...(stack === undefined ? {} : { stack }) };
      const result = (await browser.runtime.sendMessage(request)) as ExportResult | undefined;
      if (!result || typeof result.text !== 'string') throw new Error('the extension returned no export');
      await saveExport(format, result);
    },
    copy: (text) => copyExportedText({ filename: 'snippet.txt', mimeType: 'text/plain', text }),
    async copyEntry(kind, entry, includeSecrets) {
      // The report gives the page, browser and tool lines of the ticket, and the entry as the worker has it now.
      const [report, stack] = await Promise.all([browser.runtime.sendMessage({ type: 'getReport', tabId } satisfies Request) as Promise<Report | undefined>, pickedStack()]);
      if (!report || !Array.isArray(report.entries)) throw new Error('the extension sent no report');
      const current = report.entries.find((candidate) => candidate.id === entry.id) ?? entry;
      const options = { includeSecrets, ...(stack === undefined ? {} : { stack }) };
      await copyExportedText(kind === 'ticket' ? exportTicket(report, current, options) : exportCurl(report, current, options));
    },
  };

  /** Builds the filter's search text while the panel is idle, so the first keystroke does not pay for it. */
  function warmSearchText(entries: readonly ReportEntry[]) {
    let next = 0;
    const step = (deadline: IdleDeadline) => {
      while (next < entries.length && deadline.timeRemaining() > 1) searchTextOf(entries[next++]!);
      if (next < entries.length) requestIdleCallback(step);
    };
    requestIdleCallback(step);
  }

  function Root() {
    const [status, setStatus] = useState<ConnectionStatus>('connecting');
    useEffect(
      () =>
        connectToTab({
          tabId,
          connect: (name) => {
            const port = browser.runtime.connect({ name });
            // Reading lastError marks "no worker listening yet" as handled; the reconnect deals with it.
            port.onDisconnect.addListener(() => void chrome.runtime.lastError);
            return port as unknown as PortLike;
          },
          onMessage: deliver,
          onStatus: setStatus,
        }),
      [],
    );
    return <App tabId={tabId} store={store} actions={actions} connectionStatus={status} />;
  }

  document.title = `CORS Doctor · tab ${tabId}`;
  render(<Root />, root);
}
