/**
 * The "not really a CORS bug" block: the real cause of a failure, when the engine found one, with its
 * evidence. It is apart because it stands before everything else in the pane and reads on its own.
 */
import type { Cause } from '../engine/types';
import { Prose } from './Prose';

/** The real cause, when it is not a CORS configuration mistake: shown before everything else. */
export function CauseSection({ cause }: { cause: Cause }) {
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
