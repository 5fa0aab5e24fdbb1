/**
 * Chromium's own verdicts, read through the DevTools protocol: `Network.loadingFailed.corsErrorStatus`
 * for every request the page makes, keyed by the request's first URL (redirects keep the request id
 * and change the URL), plus `Audits.issueAdded` CORS issues for requests Blink rejects before they
 * reach the network (those have no Network events at all).
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface ChromiumRequest {
  requestId: string;
  /** The URL the page asked for. */
  firstUrl: string;
  /** Every URL of the redirect chain, first to last. */
  urls: string[];
  method: string;
  resourceType: string;
  /** Arrival order of the first requestWillBeSent. */
  sequence: number;
  settled: boolean;
  errorText: string | null;
  corsError: string | null;
  failedParameter: string | null;
}

export interface ChromiumIssue {
  url: string;
  corsError: string;
  failedParameter: string;
}

export interface ChromiumOracle {
  cdp: CDPSession;
  /** Requests (preflights left out) whose first URL is `url`, in the order they started. */
  requestsFor(url: string): ChromiumRequest[];
  /** CORS issues Chromium filed for `url` (as first or redirected URL). */
  issuesFor(url: string): ChromiumIssue[];
  /** Requests that started but have not finished or failed yet. */
  pending(): ChromiumRequest[];
  stop(): Promise<void>;
}

export function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export async function recordChromiumOracle(context: BrowserContext, page: Page): Promise<ChromiumOracle> {
  const cdp = await context.newCDPSession(page);
  const byId = new Map<string, ChromiumRequest>();
  const byFirstUrl = new Map<string, ChromiumRequest[]>();
  const issues = new Map<string, ChromiumIssue[]>();
  const preflightIds = new Set<string>();
  let sequence = 0;

  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.type === 'Preflight' || event.initiator?.type === 'preflight') {
      preflightIds.add(event.requestId);
      return;
    }
    const url = normalizeUrl(event.request.url);
    const known = byId.get(event.requestId);
    if (known) {
      known.urls.push(url);
      return;
    }
    const request: ChromiumRequest = {
      requestId: event.requestId,
      firstUrl: url,
      urls: [url],
      method: event.request.method,
      resourceType: event.type ?? 'Other',
      sequence: sequence++,
      settled: false,
      errorText: null,
      corsError: null,
      failedParameter: null,
    };
    byId.set(event.requestId, request);
    const list = byFirstUrl.get(url) ?? [];
    list.push(request);
    byFirstUrl.set(url, list);
  });
  cdp.on('Network.loadingFinished', (event) => {
    const request = byId.get(event.requestId);
    if (request) request.settled = true;
  });
  cdp.on('Network.loadingFailed', (event) => {
    const request = byId.get(event.requestId);
    if (!request) return;
    request.settled = true;
    request.errorText = event.errorText;
    request.corsError = event.corsErrorStatus?.corsError ?? null;
    request.failedParameter = event.corsErrorStatus?.failedParameter ?? null;
  });
  cdp.on('Audits.issueAdded', (event) => {
    const details = event.issue.details.corsIssueDetails;
    if (event.issue.code !== 'CorsIssue' || !details || details.isWarning) return;
    const url = normalizeUrl(details.request.url);
    const list = issues.get(url) ?? [];
    list.push({ url, corsError: details.corsErrorStatus.corsError, failedParameter: details.corsErrorStatus.failedParameter });
    issues.set(url, list);
  });
  await cdp.send('Network.enable');
  await cdp.send('Audits.enable');
  // The DevTools "Disable cache" switch would also bypass the preflight cache; keep caching as users have it.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });

  return {
    cdp,
    requestsFor: (url) => [...(byFirstUrl.get(normalizeUrl(url)) ?? [])].sort((a, b) => a.sequence - b.sequence),
    issuesFor: (url) => issues.get(normalizeUrl(url)) ?? [],
    pending: () => [...byId.values()].filter((request) => !request.settled),
    stop: () => cdp.detach().catch(() => undefined),
  };
}
