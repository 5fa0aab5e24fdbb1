/**
 * The conformance corpus' data model. A scenario is one or more requests a page makes to one
 * unique URL, with the verdict each should get from Chromium. Everything here is plain data: the
 * runner passes page requests into the page with `page.evaluate`.
 */
import type { CorsErrorName } from '../../src/engine/types';
import type { ResponseSpec } from '../../lab/server';

export type Header = [name: string, value: string];
export type FetchCredentials = 'omit' | 'same-origin' | 'include';
export type CrossOriginAttribute = 'anonymous' | 'use-credentials';

/** How the page asks for the resource. Serializable: it crosses into the page. */
export type PageRequest =
  | {
      kind: 'fetch';
      url: string;
      method: string;
      headers: Header[];
      credentials: FetchCredentials;
      mode: 'cors' | 'no-cors' | 'same-origin';
      redirect: 'follow' | 'manual' | 'error';
      body: string | null;
    }
  | { kind: 'xhr'; url: string; method: string; headers: Header[]; withCredentials: boolean; body: string | null }
  /** An `@font-face` rule whose `src` is the URL, loaded with `document.fonts.load()`. */
  | { kind: 'font'; url: string }
  /** `<img>`, with or without a `crossorigin` attribute. */
  | { kind: 'image'; url: string; crossOrigin: CrossOriginAttribute | null }
  /** `<script type="module">` (always CORS mode), or a classic script (no-cors) when `module` is false. */
  | { kind: 'script'; url: string; module: boolean; crossOrigin: CrossOriginAttribute | null }
  /** `<link rel="stylesheet">`, with or without `crossorigin`. */
  | { kind: 'stylesheet'; url: string; crossOrigin: CrossOriginAttribute | null };

export type PageRequestKind = PageRequest['kind'];

/** What Chromium should say about one request. */
export type Expectation =
  /** It got through (CORS passed, or it was not a CORS-mode request). */
  | { outcome: 'pass' }
  | { outcome: 'cors'; rule: CorsErrorName; failedParameter: string }
  /** A failure that is not CORS: `Network.loadingFailed` without `corsErrorStatus`. */
  | { outcome: 'network-error' };

export interface ScenarioStep {
  request: PageRequest;
  expected: Expectation;
}

export interface Scenario {
  /** Stable and unique: `<family>/<nnn>-<slug>`. Also the tag in the scenario's URL. */
  id: string;
  family: string;
  /** One line: the combination under test. */
  title: string;
  /**
   * The requests, made one after another, all to the same URL (`url`). More than one only where
   * a scenario deliberately exercises the preflight cache.
   */
  steps: ScenarioStep[];
  /** The first URL every step requests; both verdict sources are matched to the scenario by it. */
  url: string;
  /**
   * Run alone, not alongside other scenarios. A preflighted request whose response redirects to the
   * same host keeps its connection while the new preflight waits for one: six of them at once
   * exhaust Chromium's six connections per host and deadlock (observed in Chromium 156).
   */
  serial?: boolean;
}

/** What the generator needs from the lab. */
export interface ScenarioContext {
  origins: { page: string; api: string; api2: string };
  /** A URL on `origin` answering by `spec`, unique per `tag` (so preflight caches never mix scenarios). */
  routeUrl(origin: string, spec: RouteSpec, tag: string): string;
  /** A URL with a fixed path on one of the lab's API origins (for routes that point at themselves). */
  routeAt(origin: 'api' | 'api2', path: string, spec: RouteSpec): string;
  /** An origin where nothing listens, for refused connections. */
  refusedOrigin: string;
}

export interface RouteSpec {
  preflight?: ResponseSpec;
  response?: ResponseSpec;
}

export function pass(): Expectation {
  return { outcome: 'pass' };
}

export function corsError(rule: CorsErrorName, failedParameter = ''): Expectation {
  return { outcome: 'cors', rule, failedParameter };
}

export function networkError(): Expectation {
  return { outcome: 'network-error' };
}

export function describeExpectation(expectation: Expectation): string {
  switch (expectation.outcome) {
    case 'pass':
      return 'pass';
    case 'network-error':
      return 'network error';
    case 'cors':
      return expectation.failedParameter ? `${expectation.rule} (${expectation.failedParameter})` : expectation.rule;
  }
}
