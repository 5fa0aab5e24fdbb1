/**
 * The warnings of an exchange, each with its severity, title and code. It is apart because it
 * closes the pane and reads on its own, whatever the verdict above it says.
 */
import type { Warning } from '../engine/types';
import { Section } from './DetailSection';
import { Prose } from './Prose';

export function WarningsSection({ warnings }: { warnings: Warning[] }) {
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
