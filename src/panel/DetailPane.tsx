/**
 * Everything about one request: why it failed, what was expected and what came, why it was
 * preflighted, the headers on the wire, the redirects, and the fix. Every network value is a text
 * node: nothing here builds markup from strings.
 */
import { ENTRY_EXPORT_FORMATS, type EntryExportFormat } from '../report/formats';
import type { ReportEntry } from '../shared/report';
import { browserStatements, failureName } from '../shared/browser-names';
import { CauseSection } from './CauseSection';
import { ActionButton, CopyButton } from './CopyButtons';
import { Section } from './DetailSection';
import { FixSection } from './FixSection';
import { HeaderTable, ResponseTable } from './HeaderTables';
import { LongValue, storedLengthOf } from './LongValue';
import { Prose } from './Prose';
import { WarningsSection } from './WarningsSection';
import { formatClockTime, formatDuration, isFailure, offendingHeaderNames, PANEL_BROWSER } from './format';

// CopyButton was first written here; it stays importable from here.
export { CopyButton } from './CopyButtons';

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
          <span class="detail-method">{entry.request.method}</span>{' '}
          <span class="selectable">
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
            {failed && (
              <ActionButton label={ENTRY_EXPORT_FORMATS.ticket.label} title={ENTRY_EXPORT_FORMATS.ticket.title} run={() => copyEntry('ticket', entry)} />
            )}
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
                <td>{observation.actual === null ? <mark class="actual is-absent">(absent)</mark> : <mark class="actual">{observation.actual}</mark>}</td>
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
              <HeaderTable
                caption="Request headers"
                headers={entry.preflight.request.headers}
                offending={offending}
                entry={entry}
                path="preflight.request.headers"
              />
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

function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
