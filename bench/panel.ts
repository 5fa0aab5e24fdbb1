/**
 * Panel benchmark, in Chromium: the built panel page opened as an extension tab, fed 10,000 report
 * entries through the same path the worker's port messages take (`window.corsDoctorPanel.deliver`,
 * which the production page exposes to its own origin only). Measures, to the next painted frame:
 * the first render of a 10,000-entry snapshot on a freshly loaded page, and each keystroke typed
 * into the filter box with all 10,000 entries listed. Medians.
 */
import { waitFor } from '../e2e/harness';
import { launchWithExtension } from '../tools/chromium';
import type { Report } from '../src/shared/report';
import { mixedEntries, reportOf } from '../test-support/panel-fixtures';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export const title = 'The panel';

const ENTRY_COUNT = 10_000;
const FIRST_RENDER_RUNS = 7;
const FILTER_QUERY = 'resource-12';
const FILTER_PASSES = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export async function run(): Promise<BenchResult[]> {
  // gc() before each timed first render keeps the collection of the injected data out of the figures.
  const browser = await launchWithExtension({ args: ['--js-flags=--expose-gc'] });
  try {
    const report: Report = reportOf(mixedEntries(ENTRY_COUNT), 999_999);
    // Extension messaging carries JSON, so the timed step starts from JSON text, as a port message does.
    const snapshotJson = JSON.stringify({ type: 'snapshot', report });
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const panelUrl = `chrome-extension://${browser.extensionId}/src/panel/panel.html?tabId=999999&theme=light`;

    async function loadFreshPanel() {
      await page.goto(panelUrl);
      // The worker's own (empty) snapshot for this tab must land before ours, or it would replace it.
      await waitFor(
        () => page.locator('.connection').textContent(),
        (text) => text?.includes('live') ?? false,
        { what: 'the panel to connect' },
      );
    }

    const firstRenders: number[] = [];
    const parses: number[] = [];
    for (let run = 0; run < FIRST_RENDER_RUNS; run++) {
      await loadFreshPanel();
      const elapsed = await page.evaluate(async (json) => {
        (globalThis as unknown as { gc(): void }).gc();
        const started = performance.now();
        const message = JSON.parse(json);
        const parsed = performance.now();
        window.corsDoctorPanel!.deliver(message);
        await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
        if (!document.querySelector('.list-window .list-row')) throw new Error('no row rendered');
        return { total: performance.now() - started, parse: parsed - started };
      }, snapshotJson);
      firstRenders.push(elapsed.total);
      parses.push(elapsed.parse);
    }

    await page.getByRole('radio', { name: /^All/ }).click();
    const rendered = await page.locator('.list-window .list-row').count();
    const keystrokes = await page.evaluate(
      async ({ query, passes }) => {
        const input = document.querySelector<HTMLInputElement>('.filter-input')!;
        const times: number[] = [];
        for (let pass = 0; pass < passes; pass++) {
          for (let length = 1; length <= query.length; length++) {
            const started = performance.now();
            input.value = query.slice(0, length);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
            times.push(performance.now() - started);
          }
          input.value = '';
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
        }
        return times;
      },
      { query: FILTER_QUERY, passes: FILTER_PASSES },
    );

    return [
      {
        name: 'panel: first render of 10,000 entries',
        value: round(median(firstRenders)),
        unit: 'ms',
        note: `median of ${FIRST_RENDER_RUNS} fresh page loads, a JSON snapshot message parsed, applied and rendered, to the next painted frame (of which JSON.parse of ${Math.round(snapshotJson.length / 1e6)} MB: median ${round(median(parses))} ms); ${rendered} row elements in the DOM`,
      },
      {
        name: 'panel: filter keystroke over 10,000 entries',
        value: round(median(keystrokes)),
        unit: 'ms',
        note: `median of ${keystrokes.length} keystrokes typing "${FILTER_QUERY}" in All mode, input event to next painted frame; max ${round(Math.max(...keystrokes))} ms`,
      },
    ];
  } finally {
    await browser.close();
  }
}
