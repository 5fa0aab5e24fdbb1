import { describe, expect, it } from 'vitest';
import { ExchangeAssembler, type ClosedExchange, type RequestDetails } from '../assembler';
import { captureProfileFor, chromiumCaptureProfile, type CaptureProfile } from './index';

const PAGE = 'http://127.0.0.1:4000';
const API = 'http://localhost:5000';

/** A browser that says "blocked" with its own string and probes no cache: what a second profile changes. */
const otherBrowser: CaptureProfile = {
  browser: 'firefox',
  isCorsBlockError: (error) => error === 'NS_ERROR_DOM_BAD_URI',
  isCacheProbeMiss: () => false,
  blockedRequestEndsIn: 'error',
  completedRepeatsResponseHeaders: true,
  sendHeadersBeforePreflight: false,
  keepsCredentialsAcrossRedirects: false,
};

function assemble(
  profile: CaptureProfile | undefined,
  events: (a: ExchangeAssembler, base: (id: string, extra?: Partial<RequestDetails>) => RequestDetails) => void,
) {
  const closed: ClosedExchange[] = [];
  const assembler = new ExchangeAssembler((c) => closed.push(c), profile ? { profile } : {});
  let clock = 1_000;
  const base = (id: string, extra: Partial<RequestDetails> = {}): RequestDetails => ({
    requestId: id,
    url: `${API}/data`,
    method: 'GET',
    type: 'xmlhttprequest',
    tabId: 7,
    frameId: 0,
    initiator: PAGE,
    timeStamp: (clock += 5),
    ...extra,
  });
  events(assembler, base);
  return closed;
}

describe('capture profiles', () => {
  it("Chromium's profile is the default and says what Chromium reports", () => {
    expect(captureProfileFor('chromium')).toBe(chromiumCaptureProfile);
    expect(chromiumCaptureProfile.isCorsBlockError('net::ERR_FAILED')).toBe(true);
    expect(chromiumCaptureProfile.isCorsBlockError('net::ERR_CONNECTION_REFUSED')).toBe(false);
    expect(chromiumCaptureProfile.isCacheProbeMiss('net::ERR_CACHE_MISS')).toBe(true);
  });

  it("the assembler takes the CORS error string from the profile, not from Chromium's", () => {
    // A request blocked before it sent headers, with no preflight seen: partial only if the error is a CORS block.
    const blockedBeforeHeaders = (profile: CaptureProfile | undefined, error: string) =>
      assemble(profile, (a, base) => a.onErrorOccurred({ ...base('a', { method: 'DELETE' }), error })).map((c) => c.exchange.partial === true);
    expect(blockedBeforeHeaders(undefined, 'net::ERR_FAILED')).toEqual([true]);
    expect(blockedBeforeHeaders(otherBrowser, 'net::ERR_FAILED')).toEqual([false]);
    expect(blockedBeforeHeaders(otherBrowser, 'NS_ERROR_DOM_BAD_URI')).toEqual([true]);
  });

  it('the assembler drops cache probes only where the profile says the browser makes them', () => {
    const probe = (profile: CaptureProfile | undefined) =>
      assemble(profile, (a, base) => a.onErrorOccurred({ ...base('probe', { type: 'font' }), error: 'net::ERR_CACHE_MISS' })).length;
    expect(probe(undefined)).toBe(0);
    expect(probe(otherBrowser)).toBe(1);
  });
});
