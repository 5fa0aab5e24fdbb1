/**
 * Document tracking beside capture: which responses load an iframe's document (its URL names the
 * frame's requests), and which main_frame requests are speculative (a prerender or a prefetch is
 * not a navigation of the tab). Both listeners take no extra info: Sec-Purpose is among the request
 * headers Chromium gives without extraHeaders, and one event per document costs next to nothing.
 * The tab's own main_frame responses come through capture's page tracking (capture.ts).
 */
import type { RequestDetails } from './assembler';

/** A document response, with what Chromium adds to it (documentLifecycle: "active", "prerender", ...). */
export type DocumentDetails = RequestDetails & { documentLifecycle?: string };

interface DocumentEvent<D> {
  addListener(listener: (details: D) => void, filter: { urls: string[]; types?: string[] }, extraInfoSpec?: string[]): void;
}

export interface DocumentWebRequestApi {
  onSendHeaders: DocumentEvent<DocumentDetails & { requestHeaders?: Array<{ name: string; value?: string }> }>;
  onResponseStarted: DocumentEvent<DocumentDetails>;
}

export function registerDocumentTracking(
  webRequest: DocumentWebRequestApi,
  handlers: {
    /** A main_frame request sent with its request headers (Sec-Purpose tells a speculative one). */
    onMainFrameRequest(details: DocumentDetails & { requestHeaders?: Array<{ name: string; value?: string }> }): void;
    /** An iframe's document started to arrive. */
    onFrameResponse(details: DocumentDetails): void;
  },
): void {
  webRequest.onSendHeaders.addListener((d) => handlers.onMainFrameRequest(d), { urls: ['<all_urls>'], types: ['main_frame'] }, ['requestHeaders']);
  webRequest.onResponseStarted.addListener((d) => handlers.onFrameResponse(d), { urls: ['<all_urls>'], types: ['sub_frame'] });
}
