/**
 * The engine's Firefox profile against Firefox itself: every exchange of the conformance corpus,
 * recorded in real Firefox by e2e/conformance/firefox-record.ts (the fixture names Firefox's version
 * and the date), judged with `{ browser: 'firefox' }`, must get Firefox's own console verdict:
 * blocked or not, the reason key, and the console line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeExchange } from '../index';
import { FIREFOX_CONSOLE_EXCLUSIONS } from './__fixtures__/console-exclusions';
import { fromFixtureExchange, type FixtureExchange } from './fixture-format';

interface RecordedStep {
  exchange: FixtureExchange | null;
  firefox: { outcome: 'pass' | 'cors' | 'network-error' | 'silent'; key: string | null; message: string | null; keys: string[] };
  chromium: string;
  page: string | null;
}
interface Recorded {
  firefox: string;
  recorded: string;
  seed: number;
  scenarios: Array<{ id: string; title: string; steps: RecordedStep[] }>;
}

const FIXTURE: Recorded = JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', 'firefox-verdicts.json'), 'utf8'));

function excluded(id: string): string | null {
  for (const [prefix, reason] of Object.entries(FIREFOX_CONSOLE_EXCLUSIONS)) if (id.startsWith(prefix)) return reason;
  return null;
}

const steps = FIXTURE.scenarios.flatMap((scenario) => scenario.steps.map((step, index) => ({ id: scenario.id, title: scenario.title, index, step })));

describe(`the Firefox profile agrees with ${FIXTURE.firefox} (recorded ${FIXTURE.recorded})`, () => {
  it('has a recorded corpus', () => {
    expect(FIXTURE.firefox).toMatch(/^Firefox \d+/);
    expect(steps.length).toBeGreaterThan(300);
  });

  it('gives every request Firefox’s verdict: blocked or not, the reason key and the console line', () => {
    const disagreements: unknown[] = [];
    for (const { id, title, index, step } of steps) {
      if (excluded(id) || !step.exchange) continue;
      const verdict = judgeExchange(fromFixtureExchange(step.exchange), { browser: 'firefox' });
      const firefox = step.firefox;
      const blocked = firefox.outcome === 'cors';
      const key = firefox.outcome === 'pass' ? null : firefox.key;
      const got = { blocked: verdict.blocked, key: verdict.firefox?.key ?? null, message: verdict.firefox?.message ?? null };
      const want = { blocked, key, message: firefox.message };
      if (got.blocked !== want.blocked || got.key !== want.key || (want.message !== null && got.message !== want.message)) {
        disagreements.push({ id, step: index + 1, title, firefox: want, engine: got, kind: verdict.kind, chromium: step.chromium });
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('judges a request Firefox fails below CORS as a network error, not a CORS block', () => {
    const networkSteps = steps.filter(({ id, step }) => !excluded(id) && step.exchange && step.firefox.outcome === 'network-error');
    expect(networkSteps.length).toBeGreaterThan(5);
    for (const { step } of networkSteps) {
      expect(judgeExchange(fromFixtureExchange(step.exchange!), { browser: 'firefox' }).kind).toBe('network-error');
    }
  });

  it('calls no CORS block Firefox names "a network error, not CORS", nor says Chromium would report Firefox’s own NS_ERROR_DOM_BAD_URI', () => {
    const blocks = steps.filter(({ id, step }) => !excluded(id) && step.exchange && step.firefox.outcome === 'cors');
    // Failed preflights among them: webRequest ends them (and their request) with NS_ERROR_DOM_BAD_URI.
    expect(
      blocks.filter(({ step }) => step.exchange!.outcome.kind === 'error' && step.exchange!.outcome.error === 'NS_ERROR_DOM_BAD_URI').length,
    ).toBeGreaterThan(50);
    const wrong = blocks.flatMap(({ id, index, step }) => {
      const verdict = judgeExchange(fromFixtureExchange(step.exchange!), { browser: 'firefox' });
      const falseClaims = verdict.warnings.filter((warning) => warning.message.includes('NS_ERROR_DOM_BAD_URI')).map((warning) => warning.message);
      return verdict.cause?.code === 'network-error' || falseClaims.length ? [{ id, step: index + 1, cause: verdict.cause?.code ?? null, falseClaims }] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('leaves only scenarios in the corpus out, each for a reason', () => {
    const ids = new Set(FIXTURE.scenarios.map((scenario) => scenario.id));
    for (const prefix of Object.keys(FIREFOX_CONSOLE_EXCLUSIONS)) expect([...ids].some((id) => id.startsWith(prefix))).toBe(true);
    // An exclusion is stale once the engine reproduces Firefox's console for it.
    for (const { id, step } of steps) {
      if (!excluded(id) || !step.exchange || step.firefox.outcome === 'silent') continue;
      const verdict = judgeExchange(fromFixtureExchange(step.exchange), { browser: 'firefox' });
      expect({ id, same: verdict.blocked === (step.firefox.outcome === 'cors') && verdict.firefox?.key === step.firefox.key }).toEqual({ id, same: false });
    }
  });
});
