/**
 * The one verdict for an exchange the engine could not judge (its recorded data is malformed, or
 * the judge threw): it says what the browser did, plainly, and makes no claim about CORS. So it is
 * never `blocked`: a block names its rule (the Verdict invariant `blocked === (rule !== null)`), and
 * this verdict has none. A failed request is a `network-error` carrying the browser's error, a
 * completed one `passed`. Every caller that catches a failed judgement returns this, so the badge,
 * the popup, the panel and the exports agree on it; docs/api.md documents it.
 */
import { hazard } from './hazards';
import type { Verdict } from './types';
import { baseVerdict } from './verdicts';

/** Chromium ends every CORS block with this webRequest error (docs/api.md, `error`). */
const CHROMIUM_CORS_ERROR = 'net::ERR_FAILED';

export function couldNotJudgeVerdict(exchange: unknown, error: unknown): Verdict {
  const failedWith = browserErrorOf(exchange);
  const reason = describeError(error);
  const outcome =
    failedWith === null ? 'completed' : `failed with ${failedWith}${failedWith === CHROMIUM_CORS_ERROR ? ' (the error Chromium ends a CORS block with)' : ''}`;
  return {
    ...baseVerdict(failedWith === null ? 'passed' : 'network-error'),
    networkError: failedWith,
    title: 'CORS Doctor could not analyse this request',
    explanation: `The request ${outcome}, but the analysis stopped with an internal error: ${reason}`,
    confidence: 'inferred',
    evidence: ['internal error in the rule engine'],
    warnings: [hazard('engine-error', reason)],
  };
}

/** The webRequest error of the exchange's outcome, read without trusting its shape; null when none. */
function browserErrorOf(exchange: unknown): string | null {
  try {
    const outcome = (exchange as { outcome?: { kind?: unknown; error?: unknown } } | null)?.outcome;
    if (outcome?.kind !== 'error') return null;
    return typeof outcome.error === 'string' && outcome.error !== '' ? outcome.error.slice(0, 200) : CHROMIUM_CORS_ERROR;
  } catch {
    // A getter that throws: the outcome is as unreadable as the rest.
    return null;
  }
}

function describeError(error: unknown): string {
  try {
    return (error instanceof Error ? error.message : String(error)).slice(0, 200);
  } catch {
    // An exotic thrown value (no toString); the generic detail stands.
    return 'unknown error';
  }
}
