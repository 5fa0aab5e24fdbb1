/**
 * Chromium's own CORS verdict for requests a page's session cannot see: those of a cross-origin
 * iframe (its own target when site isolation puts it in another process) and of dedicated, shared
 * and service workers (targets of their own). A browser-level DevTools session attaches to each
 * target the caller accepts, enables the Network domain in it, and reads
 * `Network.loadingFailed.corsErrorStatus`, as `recordChromiumVerdicts` does for a page.
 *
 * It uses the non-flat protocol (`Target.attachToTarget` with `flatten: false`, messages through
 * `Target.sendMessageToTarget`) because Playwright's CDPSession does not expose child sessions.
 */
import type { CDPSession } from 'playwright-core';
import type { ChromiumVerdict, ExtensionBrowser } from './harness';

export interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

export interface TargetVerdicts {
  /** Verdicts of requests for exactly this URL, in every attached target. */
  forUrl(url: string): ChromiumVerdict[];
  /** Resolves once a target the filter accepts is attached with its Network domain enabled. */
  attached(accept: (target: TargetInfo) => boolean, what: string): Promise<TargetInfo>;
  /** Types of the targets attached so far (for a failure message). */
  attachedTargets(): TargetInfo[];
  close(): Promise<void>;
}

export async function recordTargetVerdicts(browser: ExtensionBrowser, accept: (target: TargetInfo) => boolean): Promise<TargetVerdicts> {
  const playwrightBrowser = browser.context.browser();
  if (!playwrightBrowser) throw new Error('The extension browser has no Browser object to open a browser-level DevTools session on');
  const cdp: CDPSession = await playwrightBrowser.newBrowserCDPSession();
  const verdicts = new Map<string, ChromiumVerdict>();
  const sessions = new Map<string, TargetInfo>();
  const ready: TargetInfo[] = [];
  const waiters: Array<{ accept: (target: TargetInfo) => boolean; resolve(target: TargetInfo): void }> = [];
  const attaching = new Set<string>();
  let nextId = 1;
  const enableIds = new Map<number, string>();

  function onTargetMessage(sessionId: string, raw: string) {
    const message = JSON.parse(raw) as { id?: number; method?: string; params?: Record<string, any> };
    if (message.id !== undefined) {
      if (enableIds.get(message.id) !== sessionId) return;
      const target = sessionContext(sessionId);
      if (!target) return;
      ready.push(target);
      for (const waiter of [...waiters]) {
        if (!waiter.accept(target)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(target);
      }
      return;
    }
    const params = message.params ?? {};
    // Request ids are unique per target only: key them by session too.
    const key = `${sessionId}:${params.requestId}`;
    if (message.method === 'Network.requestWillBeSent') {
      const known = verdicts.get(key);
      if (known) known.url = params.request.url;
      else {
        verdicts.set(key, {
          requestId: params.requestId,
          url: params.request.url,
          method: params.request.method,
          errorText: null,
          corsError: null,
          failedParameter: null,
          finished: false,
        });
      }
    } else if (message.method === 'Network.loadingFinished') {
      const verdict = verdicts.get(key);
      if (verdict) verdict.finished = true;
    } else if (message.method === 'Network.loadingFailed') {
      const verdict = verdicts.get(key);
      if (!verdict) return;
      verdict.finished = true;
      verdict.errorText = params.errorText;
      verdict.corsError = params.corsErrorStatus?.corsError ?? null;
      verdict.failedParameter = params.corsErrorStatus?.failedParameter ?? null;
    }
  }

  function sessionContext(sessionId: string): TargetInfo | undefined {
    return sessions.get(sessionId);
  }

  async function attach(target: TargetInfo) {
    if (attaching.has(target.targetId) || !accept(target)) return;
    attaching.add(target.targetId);
    try {
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
      sessions.set(sessionId, target);
      const id = nextId++;
      enableIds.set(id, sessionId);
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Network.enable', params: {} }) });
    } catch {
      // The target went away before it could be attached (a worker that ended): nothing to record.
    }
  }

  cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => onTargetMessage(event.sessionId, event.message));
  cdp.on('Target.targetCreated', (event: { targetInfo: TargetInfo }) => void attach(event.targetInfo));
  cdp.on('Target.targetInfoChanged', (event: { targetInfo: TargetInfo }) => void attach(event.targetInfo));
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
  for (const target of targetInfos) void attach(target);

  return {
    forUrl: (url) => [...verdicts.values()].filter((verdict) => verdict.url === url),
    attached(acceptTarget, what) {
      const found = ready.find(acceptTarget);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No ${what} target was attached; attached: ${JSON.stringify(ready)}`)), 20_000);
        waiters.push({
          accept: acceptTarget,
          resolve: (target) => {
            clearTimeout(timer);
            resolve(target);
          },
        });
      });
    },
    attachedTargets: () => [...ready],
    close: () => cdp.detach().catch(() => {}),
  };
}
