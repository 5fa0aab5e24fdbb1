/**
 * Everything about one request: why it failed, what was expected and what came, why it was
 * preflighted, the headers on the wire, the redirects, and the fix. Every network value is a text
 * node: nothing here builds markup from strings.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Cause, Fix, HeaderList, ObservedResponse, Warning } from '../engine/types';
import { ENTRY_EXPORT_FORMATS, type EntryExportFormat } from '../report/formats';
import { loadPreferredStack, savePreferredStack } from '../shared/preferred-stack';
import type { ReportEntry } from '../shared/report';
import { browserStatements, failureName } from '../shared/browser-names';
import { LongValue, storedLengthOf } from './LongValue';
import { formatClockTime, formatDuration, isFailure, offendingHeaderNames, PANEL_BROWSER, splitInlineCode } from './format';

/** What the detail pane can put on the clipboard for its one exchange. */
export type EntryCopy = EntryExportFormat;

export interface DetailPaneProps {
  entry: ReportEntry;
  copy(text: string): Promise<void>;
  /** "Copy as ticket" (this failure alone, as Markdown) and "Copy curl" (its preflight, then the request). */
  copyEntry?(kind: EntryCopy, entry: ReportEntry): Promise<void>;
}

export function DetailPane({ entry, copy, copyEntry }: DetailPaneProps) {
  const { verdict } = entry;
  const offending = offendingHeaderNames(entry);
  const missing = verdict.observed.filter((o) => o.actual === null && offending.has(o.field.toLowerCase())).map((o) => o.field);
  const failed = isFailure(entry);
  const name = failureName(verdict, PANEL_BROWSER);
  const statements = browserStatements(verdict, PANEL_BROWSER);
  return (
    <div class="detail" role="region" aria-label="Request details">
      <header class="detail-head">
        <h2 class={failed ? 'detail-title is-failure' : 'detail-title'}>
          <Prose text={verdict.title || 'Passed'} />
        </h2>
        <div class="detail-meta">
          {name && <code class="rule-name">{name}</code>}
          {verdict.stage && <span class="pill">{verdict.stage} stage</span>}
          <span class={verdict.confidence === 'inferred' ? 'pill pill-warn' : 'pill'}>{verdict.confidence}</span>
          {verdict.credentials === 'include' && <span class="pill">credentials: include</span>}
        </div>
        <div class="detail-url">
          <span class="detail-method">{entry.request.method}</span> <span class="selectable">
            <LongValue value={entry.request.url} originalLength={storedLengthOf(entry, 'request.url')} label="the URL" />
          </span>
        </div>
        <div class="detail-sub">
          {formatClockTime(entry.time)} · {formatDuration(entry.endTime - entry.time)}
          {entry.initiator && <> · from {entry.initiator}</>}
          {entry.fromWorker && <> · made by a service worker or shared worker</>}
          {entry.frameId > 0 && (
            <>
              {' '}
              · in the frame <span class="selectable detail-frame">{entry.frameUrl ?? '(URL unknown)'}</span>
            </>
          )}
          {entry.error && <> · {entry.error}</>}
          {entry.fromCache && <> · from cache</>}
        </div>
        {copyEntry && (
          <div class="detail-actions" role="group" aria-label="Copy this request">
            {failed && <ActionButton label={ENTRY_EXPORT_FORMATS.ticket.label} title={ENTRY_EXPORT_FORMATS.ticket.title} run={() => copyEntry('ticket', entry)} />}
            <ActionButton label={ENTRY_EXPORT_FORMATS.curl.label} title={ENTRY_EXPORT_FORMATS.curl.title} run={() => copyEntry('curl', entry)} />
          </div>
        )}
      </header>

      {verdict.cause && <CauseSection cause={verdict.cause} />}

      {verdict.explanation && (
        <p class="explanation">
          <Prose text={verdict.explanation} />
        </p>
      )}

      {verdict.observed.length > 0 && (
        <table class="observed" aria-label="Expected and actual values">
          <colgroup>
            <col class="checked-column" />
            <col />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Checked</th>
              <th scope="col">Expected</th>
              <th scope="col">Actual</th>
            </tr>
          </thead>
          <tbody>
            {verdict.observed.map((observation, index) => (
              <tr key={index}>
                <th scope="row">
                  <code>{observation.field}</code>
                </th>
                <td>
                  <code class="expected">{observation.expected}</code>
                </td>
                <td>
                  {observation.actual === null ? (
                    <mark class="actual is-absent">(absent)</mark>
                  ) : (
                    <mark class="actual">{observation.actual}</mark>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {verdict.confidence === 'inferred' && verdict.evidence.length > 0 && (
        <Section title="Why we think so (inferred)">
          <ul class="plain-list">
            {verdict.evidence.map((item, index) => (
              <li key={index}>
                <Prose text={item} />
              </li>
            ))}
          </ul>
        </Section>
      )}

      {verdict.fix && <FixSection fix={verdict.fix} copy={copy} />}

      {verdict.preflightReasons.length > 0 && (
        <Section title="Why a preflight was needed">
          <ul class="plain-list">
            {verdict.preflightReasons.map((reason, index) => (
              <li key={index}>
                <Prose text={reason.message} />
                {reason.clientAlternative && (
                  <p class="client-alternative">
                    <span class="pill pill-client">client change</span> <Prose text={reason.clientAlternative.replace(/^Client change: /, '')} />
                  </p>
                )}
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Headers">
        <div class={entry.preflight ? 'header-columns' : 'header-columns is-single'}>
          {entry.preflight && (
            <div class="header-column" aria-label="Preflight">
              <h4>
                Preflight{' '}
                <span class="muted">
                  OPTIONS <LongValue value={entry.preflight.url} originalLength={storedLengthOf(entry, 'preflight.url')} label="the preflight URL" />
                </span>
              </h4>
              <HeaderTable caption="Request headers" headers={entry.preflight.request.headers} offending={offending} entry={entry} path="preflight.request.headers" />
              <ResponseTable
                response={entry.preflight.response}
                offending={offending}
                entry={entry}
                path="preflight.response.headers"
                missing={verdict.stage === 'preflight' ? missing : []}
                noResponse={entry.preflight.error ?? 'no response'}
              />
            </div>
          )}
          <div class="header-column" aria-label="Actual request">
            <h4>
              Actual request <span class="muted">{entry.request.method}</span>
            </h4>
            {entry.request.headers ? (
              <HeaderTable caption="Request headers" headers={entry.request.headers} offending={offending} entry={entry} path="request.headers" />
            ) : (
              <p class="muted">Not sent: the browser stopped at the preflight.</p>
            )}
            <ResponseTable
              response={entry.response}
              offending={offending}
              entry={entry}
              path="response.headers"
              missing={verdict.stage === 'preflight' ? [] : missing}
              noResponse={entry.error ?? 'no response'}
            />
          </div>
        </div>
      </Section>

      {entry.redirects.length > 0 && (
        <Section title="Redirect chain">
          <ol class="redirects">
            {entry.redirects.map((hop, index) => (
              <li key={index} class={verdict.hopIndex === index ? 'is-failed-hop' : undefined}>
                <span class="status">{hop.status}</span>{' '}
                <span class="selectable">
                  <LongValue value={hop.url} originalLength={storedLengthOf(entry, `redirects[${index}].url`)} label="the hop's URL" />
                </span>{' '}
                →{' '}
                <span class="selectable">
                  <LongValue value={hop.location} originalLength={storedLengthOf(entry, `redirects[${index}].location`)} label="the Location" />
                </span>
              </li>
            ))}
          </ol>
        </Section>
      )}

      {statements.length > 0 && (
        // This browser's console text first, then what the other browser would say.
        <Section title="What the browsers say">
          {statements.map((statement) => (
            <div class="browser-message" key={statement.browser}>
              <div class="browser-message-head">
                {statement.browser === 'Chromium' ? (
                  <>
                    <span>Chromium console</span>
                    <CopyButton label="Copy Chromium message" text={statement.message} copy={copy} />
                  </>
                ) : (
                  <>
                    <span>
                      Firefox <code>{statement.name}</code>
                    </span>
                    {PANEL_BROWSER === 'firefox' && <CopyButton label="Copy Firefox message" text={statement.message} copy={copy} />}
                  </>
                )}
              </div>
              <pre class="console-text">{statement.message}</pre>
            </div>
          ))}
        </Section>
      )}

      {verdict.specUrl && isWebLink(verdict.specUrl) && (
        <p class="spec-link">
          Specification:{' '}
          <a href={verdict.specUrl} target="_blank" rel="noopener noreferrer">
            {verdict.specUrl}
          </a>
        </p>
      )}

      {verdict.warnings.length > 0 && <WarningsSection warnings={verdict.warnings} />}
    </div>
  );
}

/** The real cause, when it is not a CORS configuration mistake: shown before everything else. */
function CauseSection({ cause }: { cause: Cause }) {
  return (
    <section class="detail-section cause" aria-label="Real cause">
      <h3>
        Not really a CORS bug: <Prose text={cause.title} />
      </h3>
      <p class="cause-summary">
        <Prose text={cause.summary} />
      </p>
      {cause.evidence.length > 0 && (
        <ul class="plain-list cause-evidence" aria-label="Evidence">
          {cause.evidence.map((item, index) => (
            <li key={index}>
              <Prose text={item} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function WarningsSection({ warnings }: { warnings: Warning[] }) {
  return (
    <Section title="Warnings">
      <ul class="plain-list warnings">
        {warnings.map((warning) => (
          <li key={warning.code} class={`warning is-${warning.severity ?? 'low'}`} data-code={warning.code}>
            <span class={`pill severity is-${warning.severity ?? 'low'}`}>{warning.severity ?? 'low'}</span>{' '}
            {warning.title && (
              <strong class="warning-title">
                <Prose text={warning.title} />
              </strong>
            )}{' '}
            <code>{warning.code}</code>
            <p class="warning-message">
              <Prose text={warning.message} />
            </p>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** Engine prose with its `backticked` runs in a code font; every run is a text node. */
function Prose({ text }: { text: string }) {
  return (
    <>
      {splitInlineCode(text).map((run, index) => (run.code ? <code key={index}>{run.text}</code> : run.text))}
    </>
  );
}

function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="detail-section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

// The detail pane mounts anew for every selected request: keep the remembered stack in memory once
// read, so a fix opens on it at once instead of flashing the first tab.
let rememberedStack: string | null | undefined;

function FixSection({ fix, copy }: { fix: Fix; copy(text: string): Promise<void> }) {
  const [activeStack, setActiveStack] = useState<string | null>(rememberedStack ?? null);
  const active = fix.snippets.find((snippet) => snippet.stack === activeStack) ?? fix.snippets[0];

  useEffect(() => {
    if (rememberedStack !== undefined) return;
    let current = true;
    loadPreferredStack()
      .catch(() => null)
      .then((stack) => {
        rememberedStack = stack;
        if (current && stack !== null) setActiveStack((picked) => picked ?? stack);
      });
    return () => {
      current = false;
    };
  }, []);

  function pick(stack: string) {
    setActiveStack(stack);
    rememberedStack = stack;
    // Remembering is a convenience: a storage failure must not break the tabs.
    savePreferredStack(stack).catch(() => {});
  }

  // The ARIA tabs pattern: arrows move between stacks, and focus follows the selection.
  function onTabKeyDown(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0 || !active) return;
    event.preventDefault();
    const index = fix.snippets.indexOf(active);
    const next = fix.snippets[(index + step + fix.snippets.length) % fix.snippets.length]!;
    pick(next.stack);
    const tablist = event.currentTarget as HTMLElement;
    requestAnimationFrame(() => tablist.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
  }
  return (
    <Section title="Fix">
      <p class="fix-summary">
        <Prose text={fix.summary} />
      </p>
      {fix.details && (
        <p class="fix-details">
          <Prose text={fix.details} />
        </p>
      )}
      {fix.snippets.length > 0 && active && (
        <div class="snippets">
          <div class="snippet-tabs" role="tablist" aria-label="Server stack" onKeyDown={onTabKeyDown}>
            {fix.snippets.map((snippet) => (
              <button
                key={snippet.stack}
                type="button"
                role="tab"
                id={`snippet-tab-${snippet.stack}`}
                aria-selected={snippet === active}
                aria-controls="snippet-panel"
                tabIndex={snippet === active ? 0 : -1}
                class={snippet === active ? 'snippet-tab is-active' : 'snippet-tab'}
                onClick={() => pick(snippet.stack)}
              >
                {snippet.label}
                {!snippet.verified && <span class="snippet-unverified"> (unverified)</span>}
              </button>
            ))}
          </div>
          <div class="snippet-panel" role="tabpanel" id="snippet-panel" aria-labelledby={`snippet-tab-${active.stack}`}>
            <p class={active.verified ? 'snippet-provenance' : 'snippet-provenance is-unverified'}>
              {active.verified
                ? `For ${active.versions}. Verified by CORS Doctor's test suite on ${active.verified.version}.`
                : `For ${active.versions}. Not verified by CORS Doctor's test suite: check it on your server.`}
            </p>
            {/* One button per stack: a "Copied" from the previous tab must not show on this one. */}
            <CopyButton key={active.stack} label={`Copy ${active.label} snippet`} text={active.code} copy={copy} />
            <pre class="snippet-code">
              <code data-language={active.language}>{active.code}</code>
            </pre>
          </div>
        </div>
      )}
      {fix.traps.length > 0 && (
        <ul class="plain-list traps" aria-label="Traps">
          {fix.traps.map((trap, index) => (
            <li key={index}>
              <Prose text={trap} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** A labelled button that says for a moment whether its copy worked. */
function ActionButton({ label, title, run }: { label: string; title: string; run(): Promise<void> }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function onClick() {
    try {
      await run();
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button type="button" class="tool-button detail-action" title={title} aria-label={label} onClick={onClick}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

export function CopyButton({ label, text, copy }: { label: string; text: string; copy(text: string): Promise<void> }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function onClick() {
    try {
      await copy(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button type="button" class="copy-button" aria-label={label} title={label} onClick={onClick}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

function HeaderTable({
  caption,
  headers,
  offending,
  missing = [],
  entry,
  path,
}: {
  caption: string;
  headers: HeaderList;
  offending: Set<string>;
  missing?: string[];
  /** The entry and where this list is in it (`response.headers`): for the values cut when stored. */
  entry: ReportEntry;
  path: string;
}) {
  return (
    <table class="headers" aria-label={caption}>
      <caption>{caption}</caption>
      <tbody>
        {headers.map((header, index) => {
          const isOffending = offending.has(header.name.toLowerCase());
          return (
            <tr key={index} class={isOffending ? 'is-offending' : undefined}>
              <th scope="row">{header.name}</th>
              {/* A long value shows its start and a marker; its "Show full value" reveals the rest. */}
              <td>
                {isOffending ? (
                  <mark>
                    <LongValue value={header.value} originalLength={storedLengthOf(entry, `${path}[${index}].value`)} label={header.name} />
                  </mark>
                ) : (
                  <LongValue value={header.value} originalLength={storedLengthOf(entry, `${path}[${index}].value`)} label={header.name} />
                )}
              </td>
            </tr>
          );
        })}
        {missing.map((name) => (
          <tr key={`missing-${name}`} class="is-offending is-missing">
            <th scope="row">{name}</th>
            <td>
              <mark>(missing)</mark>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ResponseTable({
  response,
  offending,
  missing,
  noResponse,
  entry,
  path,
}: {
  response: ObservedResponse | null;
  offending: Set<string>;
  missing: string[];
  noResponse: string;
  entry: ReportEntry;
  path: string;
}) {
  if (!response) return <p class="muted">No response ({noResponse}).</p>;
  return (
    <HeaderTable
      caption={`Response headers · ${response.status}`}
      headers={response.headers}
      offending={offending}
      missing={missing}
      entry={entry}
      path={path}
    />
  );
}
