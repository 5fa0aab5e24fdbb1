/**
 * The shapes of the webRequest events the capture listens to, as far as the assembler reads them,
 * and the one fact every consumer derives from them: which origin made the request (Chromium names
 * it, Firefox gives a document URL). They are apart from the assembler because the listeners, the
 * document and watch bookkeeping take these shapes without needing the state machine.
 */
import type { RawHeader } from './headers';
import { originOfUrl } from '../engine/index';

export interface RequestDetails {
  requestId: string;
  url: string;
  method: string;
  type: string;
  tabId: number;
  frameId: number;
  /** Chromium: the requesting document's origin. */
  initiator?: string;
  /** Firefox, which has no `initiator`: the URL of the document (or worker) that made the request. */
  originUrl?: string;
  timeStamp: number;
}
export interface SendHeadersDetails extends RequestDetails {
  requestHeaders?: RawHeader[];
}
export interface HeadersReceivedDetails extends RequestDetails {
  statusCode: number;
  responseHeaders?: RawHeader[];
}
export interface CompletedDetails extends RequestDetails {
  statusCode: number;
  responseHeaders?: RawHeader[];
  fromCache?: boolean;
}
export interface ErrorDetails extends RequestDetails {
  error: string;
  fromCache?: boolean;
}

/** The origin that made the request: Chromium's `initiator`, or the origin of Firefox's `originUrl`. */
export function initiatorOf(details: RequestDetails): string | undefined {
  return details.initiator ?? (details.originUrl === undefined ? undefined : originOfUrl(details.originUrl));
}
