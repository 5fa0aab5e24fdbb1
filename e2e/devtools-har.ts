/**
 * A HAR of real Chromium traffic, built from the DevTools protocol events the DevTools front end
 * builds its own "Export HAR" from: one entry per request and per redirect hop, preflights as
 * their own entries (`_resourceType: "preflight"`, `_initiator.type: "preflight"`), request headers
 * as sent on the wire (ExtraInfo) or the provisional ones when the request never went out,
 * response status and header lines from ExtraInfo (so a CORS-blocked response keeps its headers),
 * and `response._error` from Network.loadingFailed.
 */
import type { CDPSession } from 'playwright-core';

interface Hop {
  url: string;
  method: string;
  provisionalHeaders: Record<string, string>;
  wallTime: number;
  type: string;
  initiator: unknown;
  /** Filled from redirectResponse when the next hop starts. */
  redirect: { status: number; statusText: string; headers: Record<string, string>; location: string } | null;
}

interface Recorded {
  requestId: string;
  hops: Hop[];
  requestExtra: Array<Record<string, string>>;
  responseExtra: Array<{ statusCode: number; headers: Record<string, string>; headersText?: string }>;
  response: { status: number; statusText: string; headers: Record<string, string>; mimeType: string } | null;
  error: string | null;
  finished: boolean;
}

export interface HarRecorder {
  /** Requests seen so far that have not finished or failed. */
  pending(): number;
  har(): { log: Record<string, unknown> };
}

/** Header lines from a raw header block when Chromium gave one, else from a CDP header object (duplicates joined by "\n"). */
function headerLines(headers: Record<string, string>, headersText?: string): Array<{ name: string; value: string }> {
  if (headersText) {
    const lines = headersText
      .split('\r\n')
      .slice(1)
      .filter((line) => line !== '');
    return lines.map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
    });
  }
  return Object.entries(headers).flatMap(([name, value]) => value.split('\n').map((v) => ({ name, value: v })));
}

function queryString(url: string): Array<{ name: string; value: string }> {
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}

export async function recordHar(cdp: CDPSession): Promise<HarRecorder> {
  const requests = new Map<string, Recorded>();
  const get = (requestId: string): Recorded => {
    let recorded = requests.get(requestId);
    if (!recorded) {
      recorded = { requestId, hops: [], requestExtra: [], responseExtra: [], response: null, error: null, finished: false };
      requests.set(requestId, recorded);
    }
    return recorded;
  };
  cdp.on('Network.requestWillBeSent', (event) => {
    const recorded = get(event.requestId);
    const previous = recorded.hops[recorded.hops.length - 1];
    if (previous && event.redirectResponse) {
      previous.redirect = {
        status: event.redirectResponse.status,
        statusText: event.redirectResponse.statusText,
        headers: event.redirectResponse.headers as Record<string, string>,
        location: event.request.url,
      };
    }
    recorded.hops.push({
      url: event.request.url,
      method: event.request.method,
      provisionalHeaders: event.request.headers as Record<string, string>,
      wallTime: event.wallTime,
      type: event.type ?? 'Other',
      initiator: event.initiator,
      redirect: null,
    });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    get(event.requestId).requestExtra.push(event.headers as Record<string, string>);
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    get(event.requestId).responseExtra.push({ statusCode: event.statusCode, headers: event.headers as Record<string, string>, headersText: event.headersText });
  });
  cdp.on('Network.responseReceived', (event) => {
    const recorded = get(event.requestId);
    recorded.response = {
      status: event.response.status,
      statusText: event.response.statusText,
      headers: event.response.headers as Record<string, string>,
      mimeType: event.response.mimeType,
    };
    const last = recorded.hops[recorded.hops.length - 1];
    if (last && event.type) last.type = event.type;
  });
  cdp.on('Network.loadingFinished', (event) => {
    get(event.requestId).finished = true;
  });
  cdp.on('Network.loadingFailed', (event) => {
    const recorded = get(event.requestId);
    recorded.finished = true;
    recorded.error = event.errorText;
  });
  await cdp.send('Network.enable');

  return {
    pending: () => [...requests.values()].filter((r) => r.hops.length > 0 && !r.finished).length,
    har() {
      const entries: unknown[] = [];
      for (const recorded of requests.values()) {
        recorded.hops.forEach((hop, index) => {
          const isLast = index === recorded.hops.length - 1;
          const sent = recorded.requestExtra[index];
          const answered = recorded.responseExtra[index];
          let status = 0;
          let statusText = '';
          let headers: Array<{ name: string; value: string }> = [];
          let redirectURL = '';
          if (!isLast && hop.redirect) {
            status = answered?.statusCode ?? hop.redirect.status;
            statusText = hop.redirect.statusText;
            headers = headerLines(answered?.headers ?? hop.redirect.headers, answered?.headersText);
            redirectURL = hop.redirect.location;
          } else if (answered || recorded.response) {
            status = answered?.statusCode ?? recorded.response!.status;
            statusText = recorded.response?.statusText ?? '';
            headers = headerLines(answered?.headers ?? recorded.response!.headers, answered?.headersText);
            const location = headers.find((h) => h.name.toLowerCase() === 'location');
            if (status >= 300 && status < 400 && location) redirectURL = new URL(location.value, hop.url).href;
          }
          const response: Record<string, unknown> = {
            status,
            statusText,
            httpVersion: status === 0 ? '' : 'HTTP/1.1',
            headers,
            cookies: [],
            content: { size: 0, mimeType: recorded.response?.mimeType ?? 'x-unknown' },
            redirectURL,
            headersSize: -1,
            bodySize: -1,
          };
          if (isLast && recorded.error) response._error = recorded.error;
          entries.push({
            _initiator: hop.initiator,
            _resourceType: hop.type.toLowerCase(),
            cache: {},
            startedDateTime: new Date(hop.wallTime * 1000).toISOString(),
            time: 0,
            request: {
              method: hop.method,
              url: hop.url,
              httpVersion: 'HTTP/1.1',
              headers: headerLines(sent ?? hop.provisionalHeaders),
              queryString: queryString(hop.url),
              cookies: [],
              headersSize: -1,
              bodySize: 0,
            },
            response,
            timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
          });
        });
      }
      return { log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries } };
    },
  };
}
