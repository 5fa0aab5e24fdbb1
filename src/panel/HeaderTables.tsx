/**
 * The header tables of the "Headers" section: one request's or response's headers on the wire, the
 * offending ones marked, the missing ones listed, long values cut with a way to show them in full.
 * They are apart because they are the pane's largest markup and depend only on the entry and the
 * offending names, not on the verdict's layout.
 */
import type { HeaderList, ObservedResponse } from '../engine/types';
import type { ReportEntry } from '../shared/report';
import { LongValue, storedLengthOf } from './LongValue';

export function HeaderTable({
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

export function ResponseTable({
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
