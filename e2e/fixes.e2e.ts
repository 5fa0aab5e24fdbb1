/**
 * Every fix snippet is proven on a real server: see e2e/fixes/verify.ts for one cell. `npm test`
 * runs a subset (every stack once, on the classes that exercise its trickiest lines); the full
 * matrix, which also writes docs/fixes.md, is `npm run test:fixes` (CORS_DOCTOR_FIX_MATRIX=full).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GALLERY_CASES } from '../lab/gallery';
import { startLab, type Lab } from '../lab/server';
import { renderFixSnippets, STACK_FIXES } from '../src/engine/fixes';
import { failureClasses, NOT_APPLICABLE } from './fixes/classes';
import { renderFixesDoc } from './fixes/doc';
import { STACK_RUNNERS } from './fixes/stacks';
import { stopFixedServers, verifyCell, type CellResult, type CellSetup } from './fixes/verify';
import { launchWithExtension, recordChromiumVerdicts, type ExtensionBrowser } from './harness';

const FULL = process.env.CORS_DOCTOR_FIX_MATRIX === 'full';
const PROXIES = new Set(['nginx', 'apache', 'caddy']);

/** npm test's subset: each stack once, on the class its snippet has cause-specific lines for. */
const SUBSET: Record<string, string> = {
  express: 'preflight-auth',
  fastify: 'error-without-cors',
  hono: 'json-content-type',
  django: 'preflight-auth',
  flask: 'preflight-auth',
  rack: 'wildcard-with-credentials',
  go: 'method-not-allowed',
  php: 'header-not-allowed',
  nginx: 'two-values',
  apache: 'preflight-auth',
  caddy: 'error-without-cors',
};

describe('fix snippets on real servers', () => {
  let lab: Lab;
  let browser: ExtensionBrowser;
  let setup: CellSetup;
  let classes: ReturnType<typeof failureClasses>;
  const results = new Map<string, CellResult | Error>();
  const versions = new Map<string, string>();

  beforeAll(async () => {
    lab = await startLab();
    classes = failureClasses(lab.origins.page);
    browser = await launchWithExtension();
    const page = await browser.context.newPage();
    await page.goto(lab.page('/fixes', '<!doctype html><title>fixes</title>'));
    const otherPage = await browser.context.newPage();
    await otherPage.goto(lab.route('api', '/other-origin', { response: { status: 200, body: 'html' } }));
    setup = {
      browser,
      page,
      tabId: await browser.tabIdOf(page),
      verdicts: await recordChromiumVerdicts(browser.context, page),
      otherPage,
      otherVerdicts: await recordChromiumVerdicts(browser.context, otherPage),
      fixedServers: new Map(),
    };
  });

  afterAll(async () => {
    if (setup) await stopFixedServers(setup);
    // Only a run of the whole matrix may rewrite the doc: a filtered run (-t) would leave holes in it.
    if (FULL && classes && results.size === STACK_RUNNERS.length * classes.length) {
      writeFileSync(
        resolve(import.meta.dirname, '..', 'docs', 'fixes.md'),
        renderFixesDoc({
          classes,
          results,
          versions,
          chromium: `Chromium ${browser.context.browser()?.version() ?? ''}`.trim(),
          date: new Date().toISOString().slice(0, 10),
        }),
      );
    }
    await browser?.close();
    await lab?.close();
  });

  it("the Express snippet starts on Express 5 (the old app.options('*') line threw at start-up)", async () => {
    const express = STACK_RUNNERS.find((r) => r.id === 'express')!;
    const snippet = renderFixSnippets({ origin: 'http://127.0.0.1:5173', credentials: false, methods: ['GET', 'POST', 'PUT'], headers: ['Content-Type'] }).find(
      (s) => s.stack === 'express',
    )!;
    const server = await express.start(snippet.code, { upstreamHeaders: [] });
    try {
      const response = await fetch(`${server.origin}/data`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
      expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    } finally {
      await server.stop();
    }
  });

  it('every stack the engine calls verified has a runner, is installed, and is the version its snippets claim', async () => {
    const claimed = STACK_FIXES.filter((fix) => fix.verified).map((fix) => fix.stack);
    expect(STACK_RUNNERS.map((r) => r.id)).toEqual(claimed);
    const problems: string[] = [];
    for (const runner of STACK_RUNNERS) {
      const missing = runner.missing();
      if (missing) {
        problems.push(`${runner.id}: not installed (${missing}; .ci/run installs it)`);
        continue;
      }
      const installed = await runner.version();
      versions.set(runner.id, installed);
      const fix = STACK_FIXES.find((f) => f.stack === runner.id)!;
      if (fix.verified?.version !== installed) {
        problems.push(
          `${runner.id}: the snippet says it was verified on "${fix.verified?.version}", but "${installed}" is installed: re-run the matrix and update src/engine/fixes/`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('every lab case is either served per stack or listed as not applicable, with a reason', () => {
    const served = new Set(classes.map((c) => c.id));
    for (const galleryCase of GALLERY_CASES) {
      expect(served.has(galleryCase.id) !== galleryCase.id in NOT_APPLICABLE, galleryCase.id).toBe(true);
    }
  });

  for (const runner of STACK_RUNNERS) {
    const classIds = FULL ? null : [SUBSET[runner.id]!];
    describe(runner.id, () => {
      // One stack's servers at a time: the machine has two cores.
      afterAll(() => (setup ? stopFixedServers(setup) : undefined));
      // The class list needs the lab's page origin, known only in beforeAll: cells are looked up by id.
      for (const id of classIds ?? failureClasses('http://placeholder.invalid').map((c) => c.id)) {
        it(`${id}: CORS Doctor's ${runner.id} snippet makes Chromium pass, and still refuses another origin`, async () => {
          const failure = classes.find((c) => c.id === id)!;
          try {
            const result = await verifyCell(setup, runner, failure, PROXIES.has(runner.id));
            results.set(`${runner.id}/${id}`, result);
          } catch (error) {
            results.set(`${runner.id}/${id}`, error as Error);
            throw error;
          }
        });
      }
    });
  }
});
