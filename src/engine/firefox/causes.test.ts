/**
 * The real cause (beyond-the-block.ts) on Firefox's events: a simple request Firefox blocked ends in
 * onCompleted, a failed preflight in NS_ERROR_DOM_BAD_URI, and two Access-Control-Allow-Origin lines
 * arrive as one `a, b` line (docs/firefox.md). The exchanges are shaped as the Firefox capture
 * hands them over; e2e/firefox/gallery.e2e.ts checks the same causes on the lab's cards in Firefox.
 */
import { describe, expect, it } from 'vitest';
import { judgeExchange } from '../index';
import type { HeaderLine, ObservedExchange } from '../types';

const PAGE = 'http://127.0.0.1:4000';
const URL_ = 'http://localhost:5000/data';
const h = (name: string, value: string): HeaderLine => ({ name, value });
const sent = [h('Origin', PAGE), h('Sec-Fetch-Mode', 'cors'), h('Sec-Fetch-Site', 'cross-site')];

function simple(status: number, responseHeaders: HeaderLine[]): ObservedExchange {
  return {
    initiator: PAGE,
    request: { url: URL_, method: 'GET', type: 'xmlhttprequest', headers: sent },
    preflight: null,
    redirects: [],
    response: { status, headers: responseHeaders },
    outcome: { kind: 'completed' },
  };
}

const firefox = (exchange: ObservedExchange) => judgeExchange(exchange, { browser: 'firefox' });
const warningCodes = (exchange: ObservedExchange) => firefox(exchange).warnings.map((w) => w.code);

describe('the real cause on Firefox’s events', () => {
  it('names an error path without CORS on a block that ended in onCompleted, without a model-disagreement warning', () => {
    const verdict = firefox(simple(500, [h('Content-Type', 'application/json')]));
    expect([verdict.blocked, verdict.firefox?.key, verdict.cause?.code]).toEqual([true, 'CORSMissingAllowOrigin', 'error-status-without-cors']);
    expect(warningCodes(simple(500, []))).not.toContain('model-disagreement');
    // Chromium's own verdict on a completed exchange is unchanged: it would have ended in net::ERR_FAILED.
    expect(judgeExchange(simple(500, [])).warnings.map((w) => w.code)).toContain('model-disagreement');
  });

  it('names the dev server that refused the origin', () => {
    expect(firefox(simple(403, [h('Content-Type', 'text/plain')])).cause?.code).toBe('dev-server-refused-origin');
  });

  it('names two CORS layers from the one `a, b` line Firefox hands over', () => {
    const verdict = firefox(simple(200, [h('Access-Control-Allow-Origin', `${PAGE}, ${PAGE}`)]));
    expect([verdict.firefox?.key, verdict.cause?.code]).toEqual(['CORSMultipleAllowOriginNotAllowed', 'duplicate-cors-layer']);
    expect(verdict.cause?.evidence[0]).toContain('joined on one line');
  });

  it('names an authentication layer in front of a preflight, and no network fault, when both requests end in NS_ERROR_DOM_BAD_URI', () => {
    const exchange: ObservedExchange = {
      initiator: PAGE,
      request: { url: URL_, method: 'GET', type: 'xmlhttprequest', headers: [...sent, h('Authorization', 'Bearer x')] },
      preflight: {
        url: URL_,
        request: { headers: [h('Access-Control-Request-Method', 'GET'), h('Access-Control-Request-Headers', 'authorization'), h('Origin', PAGE)] },
        response: { status: 401, headers: [h('Access-Control-Allow-Origin', PAGE), h('WWW-Authenticate', 'Bearer')] },
        redirectedTo: null,
        error: null,
      },
      redirects: [],
      response: null,
      outcome: { kind: 'error', error: 'NS_ERROR_DOM_BAD_URI' },
    };
    const verdict = firefox(exchange);
    expect([verdict.blocked, verdict.firefox?.key, verdict.stage, verdict.cause?.code]).toEqual([
      true,
      'CORSPreflightDidNotSucceed',
      'preflight',
      'preflight-auth-layer',
    ]);
  });

  it('keeps the network-error cause for a real network failure, and none for a refused redirect to a URL with credentials', () => {
    const dropped: ObservedExchange = { ...simple(200, []), response: null, outcome: { kind: 'error', error: 'NS_ERROR_NET_RESET' } };
    expect([firefox(dropped).kind, firefox(dropped).cause?.code]).toEqual(['network-error', 'network-error']);
    const location = 'http://lab:secret@localhost:5000/target';
    const refused: ObservedExchange = {
      ...simple(200, []),
      redirects: [{ url: URL_, status: 302, location, headers: [h('Access-Control-Allow-Origin', PAGE), h('Location', location)] }],
      response: null,
      outcome: { kind: 'error', error: 'NS_ERROR_UNEXPECTED' },
    };
    const verdict = firefox(refused);
    expect([verdict.kind, verdict.networkError, verdict.firefox?.key, verdict.cause ?? null]).toEqual([
      'network-error',
      'NS_ERROR_UNEXPECTED',
      'CORSDidNotSucceed',
      null,
    ]);
  });
});
