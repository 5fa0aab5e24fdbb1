/**
 * Which webRequest events CORS Doctor listens to, and how. Every extraHeaders listener makes
 * Chromium route requests through the browser process and every event is an IPC to the worker,
 * so this listens to as little as the assembler needs (see bench/capture.ts for the measured cost):
 *   onSendHeaders      extraHeaders: Origin, Sec-Fetch-Mode, Cookie, the preflight's request headers
 *   onHeadersReceived  extraHeaders: status and headers, also of preflights, redirects and CORS-failed responses
 *   onCompleted        the exchange passed (responseHeaders too: rebuilds an exchange whose start a worker restart lost)
 *   onErrorOccurred    the exchange failed; for a failed preflight, the actual request's only event
 * and, for page tracking only, onResponseStarted of main_frame requests without extra info.
 * No onBeforeRequest or onBeforeRedirect: the assembler pairs and follows redirects without them.
 */
import type { CompletedDetails, ErrorDetails, HeadersReceivedDetails, RequestDetails, SendHeadersDetails } from './assembler';
import type { CaptureSink } from './service';

/** Resource types that can be CORS-mode requests made by a page. Navigations never are. */
export const CAPTURED_TYPES = ['xmlhttprequest', 'font', 'script', 'stylesheet', 'image', 'media'] as const;

interface WebRequestEvent<D> {
  addListener(listener: (details: D) => void, filter: { urls: string[]; types?: string[] }, extraInfoSpec?: string[]): void;
}

export interface WebRequestApi {
  onSendHeaders: WebRequestEvent<SendHeadersDetails>;
  onHeadersReceived: WebRequestEvent<HeadersReceivedDetails>;
  onCompleted: WebRequestEvent<CompletedDetails>;
  onErrorOccurred: WebRequestEvent<ErrorDetails>;
  onResponseStarted: WebRequestEvent<RequestDetails>;
}

export function registerCapture(
  webRequest: WebRequestApi,
  sink: CaptureSink,
  options: { extraHeaders: boolean; onTopLevelResponse(details: RequestDetails): void },
): void {
  const filter = { urls: ['<all_urls>'], types: [...CAPTURED_TYPES] };
  const extra = options.extraHeaders ? ['extraHeaders'] : [];
  webRequest.onSendHeaders.addListener((d) => sink.onSendHeaders(d), filter, ['requestHeaders', ...extra]);
  webRequest.onHeadersReceived.addListener((d) => sink.onHeadersReceived(d), filter, ['responseHeaders', ...extra]);
  webRequest.onCompleted.addListener((d) => sink.onCompleted(d), filter, ['responseHeaders', ...extra]);
  // onErrorOccurred takes no extraInfoSpec but extraHeaders; Firefox's schema refuses even an empty list.
  if (options.extraHeaders) webRequest.onErrorOccurred.addListener((d) => sink.onErrorOccurred(d), filter, extra);
  else webRequest.onErrorOccurred.addListener((d) => sink.onErrorOccurred(d), filter);
  webRequest.onResponseStarted.addListener(options.onTopLevelResponse, { urls: ['<all_urls>'], types: ['main_frame'] });
}
