/**
 * A DevTools protocol session on the extension's service worker itself: its console and uncaught
 * errors as DevTools shows them, and its JS heap. Playwright gives CDP sessions on pages only, so
 * this attaches to the worker's target from a page session (Target.attachToTarget, non-flattened)
 * and speaks the protocol through Target.sendMessageToTarget.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { ExtensionBrowser } from './harness';

/** One line of the worker's console, or an uncaught exception (`level: 'exception'`). */
export interface WorkerConsoleLine {
  level: string;
  text: string;
}

export interface WorkerDevtools {
  /** Everything the worker logged since attach, and its uncaught exceptions. */
  readonly console: readonly WorkerConsoleLine[];
  /** Collects garbage, then reads the worker's used JS heap in bytes (Runtime.getHeapUsage). */
  usedHeapAfterGc(): Promise<number>;
  detach(): Promise<void>;
}

export async function attachToWorker(browser: ExtensionBrowser): Promise<WorkerDevtools> {
  const page: Page = await browser.context.newPage();
  const session: CDPSession = await browser.context.newCDPSession(page);
  const { targetInfos } = await session.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${browser.extensionId}/`));
  if (!target) throw new Error('The extension has no running service worker to attach to.');
  const { sessionId } = await session.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });

  const consoleLines: WorkerConsoleLine[] = [];
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  session.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
      return;
    }
    if (message.method === 'Runtime.consoleAPICalled') {
      const params = message.params as { type: string; args: Array<{ value?: unknown; description?: string }> };
      consoleLines.push({ level: params.type, text: params.args.map((arg) => arg.description ?? String(arg.value)).join(' ') });
    } else if (message.method === 'Runtime.exceptionThrown') {
      const details = (message.params as { exceptionDetails: { text: string; exception?: { description?: string } } }).exceptionDetails;
      consoleLines.push({ level: 'exception', text: details.exception?.description ?? details.text });
    }
  });

  function call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  }

  await call('Runtime.enable');
  return {
    console: consoleLines,
    async usedHeapAfterGc() {
      await call('HeapProfiler.collectGarbage');
      const { usedSize } = await call<{ usedSize: number }>('Runtime.getHeapUsage');
      return usedSize;
    },
    async detach() {
      await session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      await session.detach().catch(() => undefined);
      await page.close();
    },
  };
}
