/**
 * What a replay of the Fetch algorithms over one observed exchange ends with, and the state the
 * algorithms share while walking its URL list.
 */
import type { CorsErrorStatus } from '../chromium';
import type { CredentialsMode } from '../fetch-spec';
import type { JudgeContext } from '../judge-context';
import type { HeaderList, Stage } from '../types';

/** A CORS check failed: the `Network.CorsError` Chromium reports, and where. */
export interface Failure {
  kind: 'cors';
  status: CorsErrorStatus;
  stage: Stage;
  /** The redirect hop whose response failed (stage 'redirect'), else null. */
  hopIndex: number | null;
  /** The URL whose response failed the check. */
  url: string;
  responseStatus: number | null;
  /** The headers of the response that failed the check. */
  headers: HeaderList;
  location: string | null;
  /** The request was redirect-tainted, so it sent `Origin: null`. */
  tainted: boolean;
  /** The origin the server's answer was compared with. */
  comparedOrigin: string;
}

/** The preflight failed at the network level: the raw net error, no CorsError. */
export interface PreflightNetworkFailure {
  kind: 'network';
  error: string;
}

export interface Pass {
  kind: 'pass';
  /** Whether any response was actually checked. */
  checkedSomething: boolean;
  authorizationViaWildcard: boolean;
}

export type Replay = Failure | PreflightNetworkFailure | Pass;

/** Builds a Failure; one named field per fact, so no two facts can be swapped at a call site. */
export function replayFailure(failure: Omit<Failure, 'kind'>): Failure {
  return { kind: 'cors', ...failure };
}

// A pass carries two booleans and is only read: one frozen object per combination.
const PASS_CHECKED: Pass = Object.freeze({ kind: 'pass', checkedSomething: true, authorizationViaWildcard: false });
const PASS_CHECKED_WILDCARD: Pass = Object.freeze({ kind: 'pass', checkedSomething: true, authorizationViaWildcard: true });
const PASS_UNCHECKED: Pass = Object.freeze({ kind: 'pass', checkedSomething: false, authorizationViaWildcard: false });
const PASS_UNCHECKED_WILDCARD: Pass = Object.freeze({ kind: 'pass', checkedSomething: false, authorizationViaWildcard: true });

export function pass(checkedSomething: boolean, authorizationViaWildcard: boolean): Pass {
  if (checkedSomething) return authorizationViaWildcard ? PASS_CHECKED_WILDCARD : PASS_CHECKED;
  return authorizationViaWildcard ? PASS_UNCHECKED_WILDCARD : PASS_UNCHECKED;
}

/** What main fetch, HTTP fetch and HTTP-redirect fetch share while the replay walks the URL list. */
export interface FetchState {
  readonly ctx: JudgeContext;
  /** The actual request's credentials mode (the preflight's CORS check uses it too). */
  readonly credentials: CredentialsMode;
  /**
   * https://fetch.spec.whatwg.org/#concept-request-response-tainting: "basic" until a URL is
   * cross-origin to the page (Chromium's CORS flag), "cors" from then on.
   */
  responseTainting: 'basic' | 'cors';
  /** The redirect-taint is not "same-origin": the request's origin serializes as "null". */
  redirectTainted: boolean;
  /** Some response (preflight, redirect or final) went through a check. */
  checkedSomething: boolean;
  /** The preflight let `Authorization` through only by `Access-Control-Allow-Headers: *`. */
  authorizationViaWildcard: boolean;
}

/** https://fetch.spec.whatwg.org/#serializing-a-request-origin */
export function serializedRequestOrigin(state: FetchState): string {
  return state.redirectTainted ? 'null' : state.ctx.pageOrigin;
}
