/**
 * What every stage of judging one exchange reads: the cleaned exchange, the page's origin, the URL
 * list with its origins, the request's mode and CORS-unsafe header names, and the final response's
 * CORS headers (read once, on first use).
 */
import type { EngineOptions } from './chromium';
import type { CleanExchange, CleanResponse } from './clean-exchange';
import { combinedHeaderValue, headerNameIs, trimHttpTabOrSpace } from './headers';
import type { RequestModeEvidence } from './request-evidence';
import type { HeaderLine, HeaderList } from './types';

export interface JudgeContext {
  ex: CleanExchange;
  pageOrigin: string;
  /** The request's URL list: the first URL, then each redirect's Location. */
  urls: string[];
  /** originOfUrl of each of `urls`, computed once: every replay walks them. */
  origins: string[];
  mode: RequestModeEvidence;
  method: string;
  unsafeNames: string[];
  /** The index in `urls` of the URL the observed preflight went to. */
  preflightIndex: number;
  options: EngineOptions;
  /** The final response's CORS headers, read on first use. */
  responseCors: ResponseCors | null;
}

/** The final response's CORS headers, read in one pass (each as combinedHeaderValue combines it: this is that lookup for three names at once). */
export interface ResponseCors {
  allowOrigin: string | null;
  allowCredentials: string | null;
  vary: string | null;
}

function readResponseCors(headers: HeaderList): ResponseCors {
  let allowOrigin: string | null = null;
  let allowCredentials: string | null = null;
  let vary: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const line = headers[i] as HeaderLine;
    const name = line.name;
    const length = name.length;
    if (length === 27) {
      if (!headerNameIs(name, 'access-control-allow-origin')) continue;
      const value = trimHttpTabOrSpace(line.value);
      allowOrigin = allowOrigin === null ? value : `${allowOrigin}, ${value}`;
    } else if (length === 32) {
      if (!headerNameIs(name, 'access-control-allow-credentials')) continue;
      const value = trimHttpTabOrSpace(line.value);
      allowCredentials = allowCredentials === null ? value : `${allowCredentials}, ${value}`;
    } else if (length === 4) {
      if (!headerNameIs(name, 'vary')) continue;
      const value = trimHttpTabOrSpace(line.value);
      vary = vary === null ? value : `${vary}, ${value}`;
    }
  }
  return { allowOrigin, allowCredentials, vary };
}

export function finalResponseCors(ctx: JudgeContext, response: CleanResponse): ResponseCors {
  return (ctx.responseCors ??= readResponseCors(response.headers));
}

/** The method the preflight asked about (`Access-Control-Request-Method`), else the request's own. */
export function preflightRequestedMethod(ctx: JudgeContext): string {
  const preflight = ctx.ex.preflight;
  const requested = preflight ? combinedHeaderValue(preflight.requestHeaders, 'access-control-request-method') : null;
  return requested ?? ctx.ex.method;
}
