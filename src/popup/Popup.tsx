import { useEffect, useState } from 'preact/hooks';
import { REPORT_EXPORT_FORMATS } from '../report/formats';
import type { ExportFormat } from '../shared/messages';
import { Redactor } from '../report/redact';
import type { Report } from '../shared/report';
import { failureHeadline, shortUrl, summarize } from './summary';
import { WatchBar, type WatchActions } from './WatchBar';

export interface PopupActions {
  loadReport(): Promise<Report>;
  exportAs(format: ExportFormat, includeSecrets: boolean): Promise<string>;
  openPanel(): Promise<void>;
  watch?: WatchActions;
}

type Load = { state: 'loading' } | { state: 'ready'; report: Report } | { state: 'error'; message: string };

const REFRESH_MS = 2_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function Popup({ tabId, actions }: { tabId: number | null; actions: PopupActions }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (tabId === null) return;
    let stopped = false;
    const refresh = async () => {
      try {
        const report = await actions.loadReport();
        if (!stopped) setLoad({ state: 'ready', report });
      } catch (error) {
        if (!stopped) setLoad((previous) => (previous.state === 'ready' ? previous : { state: 'error', message: messageOf(error) }));
      }
    };
    void refresh();
    // The popup stays open while the page keeps making requests; keep the numbers current.
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [tabId]);

  async function runExport(format: ExportFormat) {
    setBusy(format);
    setStatus(null);
    try {
      const done = await actions.exportAs(format, includeSecrets);
      setStatus({ kind: 'ok', text: done });
    } catch (error) {
      setStatus({ kind: 'error', text: `Export failed: ${messageOf(error)}` });
    } finally {
      setBusy(null);
    }
  }

  if (tabId === null) {
    return (
      <main class="popup">
        <Header />
        <p class="empty">No tab to report on.</p>
      </main>
    );
  }

  const summary = load.state === 'ready' ? summarize(load.report) : null;
  // The popup is screenshotted into tickets too: show URLs the way the exports will.
  const displayUrl = (url: string) => (includeSecrets ? url : new Redactor().url(url));
  const canExport = load.state === 'ready' && busy === null;

  return (
    <main class="popup">
      <Header host={load.state === 'ready' ? hostOf(load.report.tab.url) : null} />

      {actions.watch && <WatchBar actions={actions.watch} refreshMs={REFRESH_MS} />}

      {load.state === 'loading' && <p class="empty">Loading…</p>}
      {load.state === 'error' && (
        <p class="status error" role="alert">
          Could not read this tab's requests: {load.message}
        </p>
      )}

      {load.state === 'ready' && (load.report.notices ?? []).length > 0 && (
        <ul class="status error notices" role="alert" data-testid="log-notices">
          {load.report.notices!.map((notice) => (
            <li key={notice}>{notice}</li>
          ))}
        </ul>
      )}

      {summary && (
        <section class="summary" aria-label="Failures on this page">
          <p class={`headline ${summary.failures > 0 ? 'bad' : 'good'}`} data-testid="failure-count" data-count={summary.failures}>
            <strong>{failureHeadline(summary.failures)}</strong>
            <span class="muted">
              {' '}
              on this page · {summary.total} cross-origin {summary.total === 1 ? 'request' : 'requests'}
            </span>
          </p>
          {summary.byRule.length > 0 && (
            <ul class="rules" aria-label="Failures by rule">
              {summary.byRule.map(([rule, count]) => (
                <li key={rule} data-rule={rule}>
                  <code>{rule}</code>
                  <span class="count">{count}</span>
                </li>
              ))}
            </ul>
          )}
          {summary.latest.length > 0 && (
            <>
              <h2>Latest failures</h2>
              <ol class="latest" aria-label="Latest failures">
                {summary.latest.map((entry) => (
                  <li key={entry.id} title={displayUrl(entry.request.url)}>
                    <span class="title">
                      <InlineCode text={entry.verdict.title} />
                    </span>
                    <span class="url">
                      {entry.request.method} {shortUrl(displayUrl(entry.request.url))}
                    </span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      )}

      <section class="actions" aria-label="Export">
        <label class="switch">
          <span class="toggle">
            <input
              type="checkbox"
              role="switch"
              checked={includeSecrets}
              onChange={(event) => setIncludeSecrets((event.currentTarget as HTMLInputElement).checked)}
            />
            <span class="track" aria-hidden="true" />
          </span>
          <span>
            Include secrets
            <small class="muted">{includeSecrets ? 'Cookies, auth headers and tokens are kept' : 'Cookies, auth headers and tokens are [redacted]'}</small>
          </span>
        </label>
        <div class="buttons">
          {REPORT_EXPORT_FORMATS.map((format, index) => (
            <button type="button" key={format.id} class={index === 0 ? 'primary' : undefined} disabled={!canExport} onClick={() => runExport(format.id)}>
              {busy === format.id && format.delivery === 'clipboard' ? 'Copying…' : format.label}
            </button>
          ))}
          <button type="button" onClick={() => actions.openPanel().catch((error) => setStatus({ kind: 'error', text: messageOf(error) }))}>
            Open panel in a tab
          </button>
        </div>
        <p class={`status ${status?.kind ?? ''}`} role="status" aria-live="polite">
          {status?.text ?? ''}
        </p>
      </section>

      <p class="hint">
        For every request, the observed headers and the fix: open DevTools (<kbd>F12</kbd>) → <strong>CORS</strong>.
      </p>
    </main>
  );
}

/** The engine marks names and values with backticks, as in Markdown; show them as code, as text. */
function InlineCode({ text }: { text: string }) {
  const parts = text.split('`');
  // An unmatched backtick is shown as is rather than swallowing the rest of the title.
  if (parts.length % 2 === 0) return <>{text}</>;
  return <>{parts.map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))}</>;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

function Header({ host = null }: { host?: string | null }) {
  return (
    <header>
      <img src="/icons/icon-32.png" width={20} height={20} alt="" />
      <h1>CORS Doctor</h1>
      {host && (
        <span class="host muted" title={host}>
          {host}
        </span>
      )}
    </header>
  );
}
