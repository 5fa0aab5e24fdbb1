import type { TabWatch, WatchRequest } from '../shared/watch';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { acknowledgeLastError, browser, devtoolsThemeName, inDevToolsPage, inspectedTabId, onDevtoolsThemeChange } from '../platform/index';
import type { ExportFormat, ExportResult, PortMessage, Request } from '../shared/messages';
import type { Report, ReportEntry } from '../shared/report';
import { App, type HarSource, type PanelActions } from './App';
import { harFileOf, readHarFile } from './har-file';
import { exportReport as renderExport } from '../report/export';
import { copyExportedText, deliverExport } from '../report/download';
import { exportEntry } from '../report/export';
import { ENTRY_EXPORT_FORMATS } from '../report/formats';
import { pickedStack } from '../shared/preferred-stack';
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
const inDevTools = params.get('devtools') === '1' || inDevToolsPage();

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}
applyTheme(resolveTheme(params, devtoolsThemeName(), matchMedia('(prefers-color-scheme: dark)').matches));
onDevtoolsThemeChange((themeName) => applyTheme(themeName === 'dark' ? 'dark' : 'light'));

const root = document.getElementById('app')!;
const requestedTabId = resolveTabId(params, inspectedTabId());
const TOOL = { name: 'CORS Doctor', version: browser.runtime.getManifest().version };

/**
 * Dropping a file anywhere on the pop-out page opens it as a HAR. Without preventDefault on
 * dragover the browser would navigate to the dropped file instead.
 */
function acceptDroppedHar(open: (file: File) => void): void {
  const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
  window.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
    document.querySelector('.panel')?.classList.add('is-drop-target');
  });
  window.addEventListener('dragleave', () => document.querySelector('.panel')?.classList.remove('is-drop-target'));
  window.addEventListener('drop', (event) => {
    document.querySelector('.panel')?.classList.remove('is-drop-target');
    if (!hasFiles(event)) return;
    event.preventDefault();
    const file = harFileOf(event.dataTransfer?.files);
    if (file) open(file);
  });
}

if (requestedTabId === null && inDevTools) {
  render(
    <p class="fatal">
      No tab to inspect. Open this page from the CORS panel in DevTools, or with <code>?tabId=N</code> in its URL.
    </p>,
    root,
  );
} else {
  const tabId = requestedTabId ?? -1;
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

  // The HAR being shown, once one was opened: from then on the panel is offline.
  let harReport: Report | null = null;
  let showHar: ((source: HarSource) => void) | null = null;
  let showHarError: ((message: string) => void) | null = null;

  async function openHar(file: File): Promise<void> {
    const { report, source } = await readHarFile(file, TOOL);
    harReport = report;
    deliver({ type: 'cleared' });
    deliver({ type: 'snapshot', report });
    showHar?.(source);
    document.title = `CORS Doctor · ${file.name}`;
  }

  const actions: PanelActions = {
    async clear() {
      if (harReport) {
        // Nothing to tell the worker: the HAR's entries live only in this page.
        harReport = { ...harReport, entries: [], summary: { total: 0, failures: 0, byRule: {} } };
        deliver({ type: 'cleared' });
        return;
      }
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
      const stackOption = stack === undefined ? {} : { stack };
      if (harReport) {
        // The HAR's own diagnosis, rendered here by the same export code the worker uses.
        await saveExport(format, renderExport(harReport, format, { includeSecrets, ...stackOption }));
        return;
      }
      const request: Request = { type: 'exportReport', tabId, format, includeSecrets, ...stackOption };
      const result = (await browser.runtime.sendMessage(request)) as ExportResult | undefined;
      if (!result || typeof result.text !== 'string') throw new Error('the extension returned no export');
      await saveExport(format, result);
    },
    copy: (text) => copyExportedText({ filename: 'snippet.txt', mimeType: 'text/plain', text }),
    loadWatch: () => browser.runtime.sendMessage({ type: 'getWatchState', tabId } satisfies WatchRequest) as Promise<TabWatch>,
    async copyEntry(kind, entry, includeSecrets) {
      // The report gives the page, browser and tool lines of the ticket, and the entry as the worker has it now.
      const [report, stack] = await Promise.all([
        harReport ? Promise.resolve(harReport) : (browser.runtime.sendMessage({ type: 'getReport', tabId } satisfies Request) as Promise<Report | undefined>),
        pickedStack(),
      ]);
      if (!report || !Array.isArray(report.entries)) throw new Error('the extension sent no report');
      const current = report.entries.find((candidate) => candidate.id === entry.id) ?? entry;
      const options = { includeSecrets, ...(stack === undefined ? {} : { stack }) };
      await deliverExport(ENTRY_EXPORT_FORMATS[kind], exportEntry(kind, report, current, options));
    },
    // Inside DevTools the panel is the inspected tab's live log; the pop-out page can show a HAR.
    openHar: inDevTools ? null : openHar,
  };
  if (!inDevTools) acceptDroppedHar((file) => void openHar(file).catch((error: unknown) => reportHarError(file, error)));

  function reportHarError(file: File, error: unknown) {
    showHarError?.(`Could not open ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
  }

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
    const [source, setSource] = useState<HarSource | null>(null);
    const [harError, setHarError] = useState('');
    useEffect(() => {
      showHar = (opened) => {
        setHarError('');
        setSource(opened);
      };
      showHarError = setHarError;
      return () => {
        showHar = null;
        showHarError = null;
      };
    }, []);
    useEffect(
      () =>
        source !== null || requestedTabId === null
          ? undefined
          : connectToTab({
              tabId,
              connect: (name) => {
                const port = browser.runtime.connect({ name });
                // Reading lastError marks "no worker listening yet" as handled; the reconnect deals with it.
                port.onDisconnect.addListener(acknowledgeLastError);
                return port as unknown as PortLike;
              },
              // Once a HAR is shown, a live message still in flight must not mix into its list.
              onMessage: (message) => {
                if (harReport === null) deliver(message);
              },
              onStatus: setStatus,
            }),
      // Opening a HAR ends the live subscription (the effect's cleanup disconnects the port).
      [source],
    );
    if (requestedTabId === null && source === null) {
      return (
        <div class="panel">
          <div class="toolbar" role="toolbar" aria-label="Open a HAR file">
            <label class="tool-button open-har">
              <input
                type="file"
                accept=".har,application/json"
                class="visually-hidden"
                aria-label="Open HAR file"
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  if (file) void openHar(file).catch((error: unknown) => reportHarError(file, error));
                }}
              />
              Open HAR
            </label>
          </div>
          <p class="detail-empty">
            Open or drop a HAR file (exported by Chrome or Firefox DevTools, or by CORS Doctor) to see why its cross-origin requests were blocked. It is read
            here and sent nowhere. To watch a tab live, open this page from the CORS panel in DevTools.
          </p>
          <div class="status-bar" role="status" aria-live="polite">
            <span>{harError}</span>
          </div>
        </div>
      );
    }
    return <App tabId={tabId} store={store} actions={actions} connectionStatus={status} source={source} statusMessage={harError} />;
  }

  document.title = requestedTabId === null ? 'CORS Doctor · open a HAR file' : `CORS Doctor · tab ${tabId}`;
  render(<Root />, root);
}
