/**
 * Runs scenario requests inside the page. `runScenarioGroups` is handed to `page.evaluate`, so it
 * must be self-contained: no imports, no closures over module scope.
 */
import type { PageRequest } from './scenario';

/** What the page itself saw; informative only (the verdicts come from CDP and the extension). */
export interface PageOutcome {
  ok: boolean;
  detail: string;
}

/**
 * Runs each group's requests one after another (a group is one scenario's steps), with up to
 * `concurrency` groups in flight at once. Resolves when every request has settled.
 */
export async function runScenarioGroups({
  groups,
  concurrency,
  timeoutMs,
}: {
  groups: PageRequest[][];
  concurrency: number;
  timeoutMs: number;
}): Promise<PageOutcome[][]> {
  const settle = (promise: Promise<PageOutcome>): Promise<PageOutcome> =>
    Promise.race([
      promise.catch((error: unknown) => ({ ok: false, detail: String(error) })),
      new Promise<PageOutcome>((resolve) => setTimeout(() => resolve({ ok: false, detail: `no answer after ${timeoutMs} ms` }), timeoutMs)),
    ]);

  const viaElement = (element: HTMLElement & { onload: unknown; onerror: unknown }, attach: () => void): Promise<PageOutcome> =>
    new Promise<PageOutcome>((resolve) => {
      element.onload = () => resolve({ ok: true, detail: 'load' });
      element.onerror = () => resolve({ ok: false, detail: 'error' });
      attach();
    }).finally(() => element.remove());

  let fontCounter = 0;

  const runOne = async (request: PageRequest): Promise<PageOutcome> => {
    switch (request.kind) {
      case 'fetch': {
        const init: RequestInit = {
          method: request.method,
          headers: request.headers,
          credentials: request.credentials,
          mode: request.mode,
          redirect: request.redirect,
        };
        if (request.body !== null) init.body = request.body;
        const response = await fetch(request.url, init);
        await response.arrayBuffer().catch(() => undefined);
        return { ok: true, detail: `${response.type} ${response.status}` };
      }
      case 'xhr':
        return new Promise<PageOutcome>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open(request.method, request.url);
          xhr.withCredentials = request.withCredentials;
          for (const [name, value] of request.headers) xhr.setRequestHeader(name, value);
          xhr.onloadend = () => resolve({ ok: xhr.status !== 0, detail: `status ${xhr.status}` });
          xhr.send(request.body);
        });
      case 'font': {
        const family = `conformance-font-${++fontCounter}`;
        const style = document.createElement('style');
        style.textContent = `@font-face { font-family: "${family}"; src: url(${JSON.stringify(request.url)}); }`;
        document.head.append(style);
        try {
          const faces = await document.fonts.load(`16px "${family}"`);
          return { ok: faces.length > 0, detail: `${faces.length} faces` };
        } finally {
          style.remove();
        }
      }
      case 'image': {
        const image = document.createElement('img');
        if (request.crossOrigin) image.crossOrigin = request.crossOrigin;
        return viaElement(image, () => {
          image.src = request.url;
          document.body.append(image);
        });
      }
      case 'script': {
        const script = document.createElement('script');
        if (request.module) script.type = 'module';
        if (request.crossOrigin) script.crossOrigin = request.crossOrigin;
        return viaElement(script, () => {
          script.src = request.url;
          document.head.append(script);
        });
      }
      case 'stylesheet': {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        if (request.crossOrigin) link.crossOrigin = request.crossOrigin;
        return viaElement(link, () => {
          link.href = request.url;
          document.head.append(link);
        });
      }
    }
  };

  const results: PageOutcome[][] = groups.map(() => []);
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const index = next++;
      for (const request of groups[index]!) results[index]!.push(await settle(runOne(request)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
  return results;
}
