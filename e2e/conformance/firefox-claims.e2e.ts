/**
 * Every cross-browser statement CORS Doctor makes about Firefox, checked against real Firefox
 * (Debian's firefox-esr, plain, en-US) in the same run: the request is made in Firefox, what Firefox
 * did is read from its console and from the lab's request log, and the engine's text must say the
 * same. Firefox's 24 h Max-Age cap is the one claim a test run cannot observe (it would take a day);
 * it stands on Gecko's source (nsCORSListenerProxy.cpp, "Cap at 24 hours").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { inlineRouteUrl, startLab, type Lab } from '../../lab/server';
import { judgeExchange } from '../../src/engine/index';
import type { HeaderLine, ObservedExchange } from '../../src/engine/types';
import { launchPlainFirefox } from './firefox-launch';
import { firefoxVerdictOf, recordFirefoxOracle, type FirefoxOracle } from './firefox-oracle';

const ACAO_ECHO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];

describe('cross-browser statements, checked in real Firefox', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let oracle: FirefoxOracle;
  let counter = 0;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchPlainFirefox();
    page = await browser.newPage();
    await page.goto(`${lab.origins.page}/blank`);
    oracle = recordFirefoxOracle(page);
  });

  afterAll(async () => {
    oracle?.stop();
    await browser?.close();
    await lab?.close();
  });

  /** Makes `count` fetch() calls one after another from the page; returns what each resolved to. */
  async function fetchInFirefox(url: string, init: { method?: string; headers?: Array<[string, string]> }, count = 1): Promise<string[]> {
    const results = await page.evaluate(
      async (target: string, options: { method?: string; headers?: Array<[string, string]> }, times: number) => {
        const out: string[] = [];
        for (let i = 0; i < times; i++) {
          try {
            const response = await fetch(target, { method: options.method ?? 'GET', headers: options.headers ?? [] });
            out.push(`ok ${response.status}`);
          } catch (error) {
            out.push(String(error));
          }
        }
        return out;
      },
      url,
      init,
      count,
    );
    await oracle.settle();
    return results;
  }

  function tagged(spec: Parameters<typeof inlineRouteUrl>[1], slug: string): { url: string; tag: string } {
    const tag = `claims.${++counter}-${slug}`;
    return { url: inlineRouteUrl(lab.origins.api, spec, tag), tag };
  }

  const preflights = (url: string) => lab.requests({ path: new URL(url).pathname, method: 'OPTIONS' });
  const lines = (pairs: Array<[string, string]>): HeaderLine[] => pairs.map(([name, value]) => ({ name, value }));

  /** The exchange as the lab saw it: the last preflight and the request, with the answers it gave. */
  function exchangeOf(url: string, method: string, preflightAnswer: Array<[string, string]>, responseAnswer: Array<[string, string]>): ObservedExchange {
    const path = new URL(url).pathname;
    const preflight = preflights(url).at(-1)!;
    const actual = lab
      .requests({ path })
      .filter((entry) => entry.method !== 'OPTIONS')
      .at(-1)!;
    const origin = lab.origins.page;
    const fill = (pairs: Array<[string, string]>) => lines(pairs.map(([name, value]) => [name, value.replace('{origin}', origin)]));
    return {
      initiator: origin,
      request: { url, method, type: 'xmlhttprequest', headers: lines(actual.headers) },
      preflight: { url, request: { headers: lines(preflight.headers) }, response: { status: 204, headers: fill(preflightAnswer) }, error: null },
      redirects: [],
      response: { status: 200, headers: fill(responseAnswer) },
      outcome: { kind: 'completed' },
    };
  }

  it('Authorization allowed only by Access-Control-Allow-Headers: * passes in Firefox, as the warning says', async () => {
    const preflight: Array<[string, string]> = [ACAO_ECHO, ['Access-Control-Allow-Headers', '*']];
    const { url, tag } = tagged({ preflight: { status: 204, headers: preflight }, response: { headers: [ACAO_ECHO], body: 'json' } }, 'authorization-wildcard');
    expect(await fetchInFirefox(url, { headers: [['Authorization', 'Bearer lab-token']] })).toEqual(['ok 200']);
    expect(firefoxVerdictOf(oracle.linesFor(tag)).outcome).toBe('pass');
    expect(preflights(url)).toHaveLength(1);

    const exchange = exchangeOf(url, 'GET', preflight, [ACAO_ECHO]);
    const warning = judgeExchange(exchange).warnings.find((w) => w.code === 'authorization-wildcard');
    expect(warning?.message).toContain('Chromium and Firefox let this pass');
    expect(judgeExchange(exchange, { browser: 'firefox' }).blocked).toBe(false);
  });

  it('Firefox does not cache a preflight whose Max-Age is not a number, and caches one between the two browsers’ caps', async () => {
    const answer = (maxAge: string): Array<[string, string]> => [ACAO_ECHO, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', maxAge]];
    const counts: Record<string, number> = {};
    for (const maxAge of ['abc', '600', '7201']) {
      const { url } = tagged({ preflight: { status: 204, headers: answer(maxAge) }, response: { headers: [ACAO_ECHO], body: 'json' } }, `max-age-${maxAge}`);
      expect(await fetchInFirefox(url, { method: 'PUT' }, 2)).toEqual(['ok 200', 'ok 200']);
      counts[maxAge] = preflights(url).length;
      const warnings = judgeExchange(exchangeOf(url, 'PUT', answer(maxAge), [ACAO_ECHO])).warnings;
      if (maxAge === 'abc') expect(warnings.find((w) => w.code === 'max-age-unparsable')?.message).toContain('Firefox does not cache the preflight at all');
      if (maxAge === '7201') expect(warnings.find((w) => w.code === 'max-age-above-cap')?.message).toContain('Firefox keeps it for the full time');
    }
    expect(counts).toEqual({ abc: 2, '600': 1, '7201': 1 });
  });

  it('each header only Chromium safelists triggers a preflight in Firefox, as the warning says', async () => {
    const values: Array<[string, string]> = [
      ['DPR', '1.5'],
      ['Device-Memory', '8'],
      ['Save-Data', 'on'],
      ['Viewport-Width', '1024'],
      ['Width', '640'],
    ];
    for (const [name, value] of values) {
      const { url } = tagged(
        { preflight: { status: 204, headers: [ACAO_ECHO, ['Access-Control-Allow-Headers', name]] }, response: { headers: [ACAO_ECHO], body: 'json' } },
        `safelisted-${name}`,
      );
      expect(await fetchInFirefox(url, { headers: [[name, value]] })).toEqual(['ok 200']);
      const sent = preflights(url);
      expect({ name, asked: sent.map((entry) => entry.headers.find(([n]) => n.toLowerCase() === 'access-control-request-headers')?.[1]) }).toEqual({
        name,
        asked: [name.toLowerCase()],
      });
      const simple: ObservedExchange = {
        initiator: lab.origins.page,
        request: {
          url,
          method: 'GET',
          type: 'xmlhttprequest',
          headers: lines([
            ['Origin', lab.origins.page],
            [name, value],
          ]),
        },
        preflight: null,
        redirects: [],
        response: { status: 200, headers: lines([['Access-Control-Allow-Origin', lab.origins.page]]) },
        outcome: { kind: 'completed' },
      };
      expect(judgeExchange(simple).warnings.find((w) => w.code === 'chromium-only-safelisted-header')?.message).toContain(
        'in Firefox and per the Fetch standard it triggers a preflight',
      );
    }
  });

  it('Firefox writes Access-Control-Request-Headers lower-case, sorted, comma-separated without spaces, as the echo warning says', async () => {
    const { url } = tagged(
      { preflight: { status: 204, headers: [ACAO_ECHO, ['Access-Control-Allow-Headers', '{acrh}']] }, response: { headers: [ACAO_ECHO], body: 'json' } },
      'acrh-format',
    );
    expect(
      await fetchInFirefox(url, {
        headers: [
          ['X-Zeta', '1'],
          ['X-Alpha', '2'],
        ],
      }),
    ).toEqual(['ok 200']);
    const asked = preflights(url)[0]!.headers.find(([n]) => n.toLowerCase() === 'access-control-request-headers')?.[1];
    expect(asked).toBe('x-alpha,x-zeta');
    const exchange = exchangeOf(url, 'GET', [ACAO_ECHO, ['Access-Control-Allow-Headers', asked!]], [ACAO_ECHO]);
    expect(judgeExchange(exchange).warnings.map((w) => w.code)).toContain('preflight-echoes-request');
  });
});
