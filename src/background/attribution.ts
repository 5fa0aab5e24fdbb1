/**
 * Who made a request, from what Chromium's webRequest tells (facts pinned by e2e/frames-workers.e2e.ts):
 * - an iframe's requests carry the tab's id and the frame's id (> 0), never the frame's URL: that
 *   comes from the frame's own `sub_frame` response, whose frameId is the frame being loaded;
 * - a dedicated worker's requests carry its document's tab and frame: they are that frame's own;
 * - a shared worker's and a service worker's carry tabId -1 and frameId -1, with the worker's
 *   origin as initiator: they go to the worker log (WORKER_LOG) and are shown in the report of
 *   every tab whose page or frames are of that origin;
 * - a speculative navigation (speculation rules prerender or prefetch) is a `main_frame` request
 *   in the tab that asked for it, with `Sec-Purpose: prefetch` or `prefetch;prerender`, frameId 0
 *   and documentLifecycle "active" when Chromium does not go on to prerender (DevTools attached);
 *   a page Chromium does prerender reports frameId ≠ 0 and documentLifecycle "prerender". Neither
 *   is a navigation of the tab.
 */

/** The tab id under which the requests of service and shared workers are logged. */
export const WORKER_LOG = -1;

/** Frame URLs kept per tab (frames of the current page, newest last). */
export const MAX_FRAMES_PER_TAB = 64;

/** What of a main_frame or sub_frame response decides what it is. */
export interface DocumentResponse {
  requestId: string;
  tabId: number;
  frameId: number;
  url: string;
  type: string;
  documentLifecycle?: string;
}

/** A request's Sec-Purpose says it is a prefetch or a prerender, not a navigation yet. */
export function isSpeculativePurpose(headers: ReadonlyArray<{ name: string; value?: string }> | undefined): boolean {
  const purpose = headers?.find((header) => header.name.toLowerCase() === 'sec-purpose')?.value;
  return purpose !== undefined && /\bprefetch\b|\bprerender\b/i.test(purpose);
}

/** What a document response is for the log: the tab's new page, an iframe's document, or neither. */
export function documentResponseKind(details: DocumentResponse, speculative: boolean): 'page' | 'frame' | 'none' {
  if (details.tabId < 0 || speculative || details.documentLifecycle === 'prerender') return 'none';
  if (details.type === 'main_frame') return details.frameId === 0 ? 'page' : 'none';
  if (details.type === 'sub_frame') return details.frameId > 0 ? 'frame' : 'none';
  return 'none';
}

/** Frame id and URL of each iframe document of the tab's page, oldest first (an array: object keys that are numbers do not keep their order). */
export type FrameUrls = ReadonlyArray<readonly [frameId: number, url: string]>;

/** The frames with `frameId` now showing `url`, newest last, at most MAX_FRAMES_PER_TAB. */
export function withFrame(frames: FrameUrls | undefined, frameId: number, url: string): Array<[number, string]> {
  const next: Array<[number, string]> = (frames ?? []).filter(([id]) => id !== frameId).map(([id, known]) => [id, known]);
  next.push([frameId, url]);
  return next.slice(-MAX_FRAMES_PER_TAB);
}

/** The URL of the document that made a request in the tab: the page for frame 0, else the frame's. */
export function frameUrlOf(meta: { pageUrl: string | null; frames?: FrameUrls } | null, frameId: number): string | null {
  if (!meta || frameId < 0) return null;
  if (frameId === 0) return meta.pageUrl;
  return meta.frames?.find(([id]) => id === frameId)?.[1] ?? null;
}

/** The origins whose workers belong to the tab: its page's and its frames'. */
export function originsOfTab(meta: { pageUrl: string | null; frames?: FrameUrls } | null): Set<string> {
  const origins = new Set<string>();
  if (!meta) return origins;
  for (const url of [meta.pageUrl, ...(meta.frames ?? []).map(([, frameUrl]) => frameUrl)]) {
    if (url === null || !URL.canParse(url)) continue;
    const origin = new URL(url).origin;
    if (origin !== 'null') origins.add(origin);
  }
  return origins;
}

/** A tab's worker origins from its meta and its current URL (a tab loaded before the extension started has no page in its meta). */
export function tabOrigins(meta: { pageUrl: string | null; frames?: FrameUrls } | null, tabUrl: string | null): Set<string> {
  const origins = originsOfTab(meta);
  for (const origin of originsOfTab({ pageUrl: tabUrl })) origins.add(origin);
  return origins;
}

/** A request of a page's worker: an http(s) initiator (not another extension's or the browser's own). */
export function isWebWorkerRequest(details: { tabId: number; initiator?: string | undefined }): boolean {
  return details.tabId === WORKER_LOG && details.initiator !== undefined && /^https?:\/\//.test(details.initiator);
}

/** The sequence number of an entry id (`<tabId>-<seq>`), for the worker log's "shown since" mark. */
export function seqOfEntryId(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1));
}
