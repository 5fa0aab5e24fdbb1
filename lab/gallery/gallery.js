// The gallery page script (plain browser JavaScript, inlined into the page by lab/gallery.ts).
// Every string reaches the DOM through textContent: case data is shown, never parsed as HTML.
'use strict';

(() => {
  const { cases } = JSON.parse(document.getElementById('gallery-data').textContent);
  const cardsElement = document.getElementById('cards');
  const runAllButton = document.getElementById('run-all');
  const progressElement = document.getElementById('progress');
  const REQUEST_TIMEOUT_MS = 15000;
  let runCounter = 0;
  let busy = false;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A URL that no cache (HTTP cache, memory cache, module map, font cache) has seen in this page. */
  function freshUrl(url) {
    const parsed = new URL(url);
    runCounter += 1;
    parsed.searchParams.set('run', `${Date.now().toString(36)}-${runCounter}`);
    return parsed.href;
  }

  function describeRequest(request, url) {
    const target = new URL(url);
    const where = `${target.origin}${target.pathname}`;
    switch (request.kind) {
      case 'fetch': {
        const parts = [`fetch ${request.method ?? 'GET'} ${where}`];
        if (request.credentials) parts.push(`credentials: "${request.credentials}"`);
        if (request.mode) parts.push(`mode: "${request.mode}"`);
        if (request.targetAddressSpace) parts.push(`targetAddressSpace: "${request.targetAddressSpace}"`);
        if (request.repeat) parts.push(`sent ${request.repeat} times`);
        for (const [name, value] of request.headers ?? []) parts.push(`${name}: ${value}`);
        return parts.join(' · ');
      }
      case 'xhr':
        return `XMLHttpRequest ${request.method ?? 'GET'} ${where}${request.withCredentials ? ' · withCredentials = true' : ''}`;
      case 'font':
        return `@font-face { src: url(${where}) }`;
      case 'image':
        return `<img crossorigin="anonymous" src="${where}">`;
      case 'module-script':
        return `<script type="module" src="${where}">`;
      default:
        return where;
    }
  }

  function withTimeout(promise, what) {
    return Promise.race([
      promise,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS)),
    ]);
  }

  async function sendFetch(request, url) {
    // A repeated request goes to the same URL, so the later ones can use the preflight cache.
    let result = null;
    for (let attempt = 0; attempt < (request.repeat ?? 1); attempt += 1) result = await sendFetchOnce(request, url);
    return result;
  }

  async function sendFetchOnce(request, url) {
    const init = { method: request.method ?? 'GET', headers: request.headers ?? [], mode: request.mode ?? 'cors' };
    if (request.credentials) init.credentials = request.credentials;
    if (request.body !== undefined) init.body = request.body;
    if (request.targetAddressSpace) init.targetAddressSpace = request.targetAddressSpace;
    try {
      const response = await fetch(url, init);
      const body = await response.text();
      const result = { outcome: 'passed', status: response.status, text: `HTTP ${response.status}` };
      if (response.type === 'opaque') {
        result.opaque = true;
        result.text = `response.type "opaque", status ${response.status}, body ${JSON.stringify(body)}`;
      }
      if (request.readHeader) {
        const value = response.headers.get(request.readHeader);
        result.headerValue = value;
        result.text += ` · headers.get("${request.readHeader}") → ${value === null ? 'null' : JSON.stringify(value)}`;
      }
      return result;
    } catch (error) {
      return { outcome: 'blocked', text: String(error) };
    }
  }

  function sendXhr(request, url) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method ?? 'GET', url);
      xhr.withCredentials = Boolean(request.withCredentials);
      for (const [name, value] of request.headers ?? []) xhr.setRequestHeader(name, value);
      xhr.onload = () => resolve({ outcome: 'passed', status: xhr.status, text: `HTTP ${xhr.status}` });
      xhr.onerror = () => resolve({ outcome: 'blocked', text: `XMLHttpRequest error event (status ${xhr.status})` });
      xhr.send(request.body ?? null);
    });
  }

  async function sendFont(url) {
    const family = `cors-lab-font-${runCounter}`;
    const style = element('style');
    style.textContent = `@font-face { font-family: "${family}"; src: url("${url}"); }`;
    document.head.append(style);
    try {
      await document.fonts.load(`16px "${family}"`);
      const face = [...document.fonts].find((candidate) => candidate.family.replaceAll('"', '') === family);
      if (face?.status === 'loaded') return { outcome: 'passed', text: 'font loaded' };
      return { outcome: 'blocked', text: `FontFace status "${face?.status ?? 'missing'}": the font was not loaded` };
    } catch (error) {
      return { outcome: 'blocked', text: String(error) };
    } finally {
      style.remove();
    }
  }

  function sendImage(url) {
    return new Promise((resolve) => {
      const image = new Image();
      image.crossOrigin = 'anonymous';
      image.onload = () => resolve({ outcome: 'passed', text: `image loaded (${image.naturalWidth}×${image.naturalHeight})` });
      image.onerror = () => resolve({ outcome: 'blocked', text: 'image error event: the image was not loaded' });
      image.src = url;
    });
  }

  function sendModuleScript(url) {
    return new Promise((resolve) => {
      const script = element('script');
      script.type = 'module';
      script.onload = () => {
        script.remove();
        resolve({ outcome: 'passed', text: 'module script loaded' });
      };
      script.onerror = () => {
        script.remove();
        resolve({ outcome: 'blocked', text: 'script error event: the module was not loaded' });
      };
      script.src = url;
      document.head.append(script);
    });
  }

  function send(variant) {
    const url = freshUrl(variant.url);
    const request = variant.request;
    switch (request.kind) {
      case 'fetch':
        return sendFetch(request, url);
      case 'xhr':
        return sendXhr(request, url);
      case 'font':
        return sendFont(url);
      case 'image':
        return sendImage(url);
      case 'module-script':
        return sendModuleScript(url);
      default:
        return Promise.resolve({ outcome: 'error', text: `unknown request kind ${request.kind}` });
    }
  }

  /** Whether the page saw what this variant is meant to show. */
  function asExpected(galleryCase, variantName, result) {
    const variant = galleryCase[variantName];
    const readsHeader = variant.request.kind === 'fetch' && variant.request.readHeader;
    if (variantName === 'fixed') return result.outcome === 'passed' && (!readsHeader || result.headerValue != null);
    // A CORS block and a network error look the same to the page: the request rejects.
    if (galleryCase.broken.expected || galleryCase.broken.networkError) return result.outcome === 'blocked';
    if (readsHeader) return result.outcome === 'passed' && result.headerValue === null;
    if (variant.request.kind === 'fetch' && variant.request.mode === 'no-cors') return result.outcome === 'passed' && result.opaque === true;
    return result.outcome === 'passed';
  }

  const resultLines = new Map();

  function showResult(galleryCase, variantName, result) {
    const line = resultLines.get(`${galleryCase.id}/${variantName}`);
    const expected = asExpected(galleryCase, variantName, result);
    line.dataset.outcome = result.outcome;
    line.dataset.asExpected = String(expected);
    line.querySelector('.outcome').textContent = result.outcome;
    line.querySelector('.detail').textContent = result.text;
  }

  async function run(galleryCase, variantName) {
    const line = resultLines.get(`${galleryCase.id}/${variantName}`);
    line.dataset.outcome = 'running';
    line.querySelector('.outcome').textContent = 'running';
    line.querySelector('.detail').textContent = '';
    let result;
    try {
      result = await withTimeout(send(galleryCase[variantName]), 'The request');
    } catch (error) {
      result = { outcome: 'error', text: String(error) };
    }
    showResult(galleryCase, variantName, result);
    return result;
  }

  function resultLine(galleryCase, variantName, label) {
    const line = element('p', 'result');
    line.dataset.case = galleryCase.id;
    line.dataset.variant = variantName;
    line.dataset.outcome = 'idle';
    line.append(element('span', 'label', label), element('span', 'outcome', 'not run'), element('span', 'detail', ''));
    resultLines.set(`${galleryCase.id}/${variantName}`, line);
    return line;
  }

  function button(text, className, onClick) {
    const node = element('button', className, text);
    node.type = 'button';
    node.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      setButtonsDisabled(true);
      try {
        await onClick();
      } finally {
        busy = false;
        setButtonsDisabled(false);
      }
    });
    return node;
  }

  function setButtonsDisabled(disabled) {
    for (const node of document.querySelectorAll('button')) node.disabled = disabled;
  }

  function card(galleryCase) {
    const article = element('article', 'card');
    article.id = galleryCase.id;
    article.dataset.case = galleryCase.id;

    const heading = element('header', 'card-head');
    heading.append(element('h2', '', galleryCase.title));
    const expected = galleryCase.broken.expected;
    const networkError = galleryCase.broken.networkError;
    const warningCode = galleryCase.expectedWarnings[0];
    const verdict = element(
      'code',
      expected || networkError ? 'rule' : 'rule lesson',
      expected ? expected.rule : networkError ? networkError : warningCode ? `warning: ${warningCode}` : 'not a block',
    );
    verdict.title = expected
      ? 'The Network.CorsError name Chromium reports'
      : networkError
        ? 'Not CORS: the network error Chromium reports'
        : warningCode
          ? 'The request passes; CORS Doctor warns about it'
          : 'The request passes; the page just cannot see what it wants';
    heading.append(verdict);
    article.append(heading);

    article.append(element('p', 'description', galleryCase.description));
    article.append(element('p', 'request', describeRequest(galleryCase.broken.request, galleryCase.broken.url)));
    if (galleryCase.lesson) article.append(element('p', 'lesson-text', `The page sees: ${galleryCase.lesson}.`));
    if (galleryCase.expectedCause) article.append(element('p', 'cause-text', `CORS Doctor: not really a CORS bug (${galleryCase.expectedCause}).`));
    if (galleryCase.expectedWarnings.length > 0) article.append(element('p', 'warning-text', `CORS Doctor warns: ${galleryCase.expectedWarnings.join(', ')}.`));

    const fix = element('p', 'fix');
    fix.append(element('strong', '', 'Fixed server: '), document.createTextNode(galleryCase.fixNote));
    article.append(fix);

    const actions = element('div', 'actions');
    actions.append(
      button('Send broken', 'broken', () => run(galleryCase, 'broken')),
      button('Send fixed', 'fixed', () => run(galleryCase, 'fixed')),
    );
    article.append(actions);
    article.append(resultLine(galleryCase, 'broken', 'Broken'), resultLine(galleryCase, 'fixed', 'Fixed'));
    return article;
  }

  async function runAll() {
    const steps = cases.flatMap((galleryCase) => [
      [galleryCase, 'broken'],
      [galleryCase, 'fixed'],
    ]);
    document.body.dataset.state = 'running';
    let unexpected = 0;
    for (const [index, [galleryCase, variantName]] of steps.entries()) {
      document.body.dataset.progress = `${index}/${steps.length}`;
      document.body.dataset.current = `${galleryCase.id} (${variantName})`;
      progressElement.textContent = `Running ${index + 1} of ${steps.length}: ${galleryCase.title} (${variantName})`;
      document.getElementById(galleryCase.id).scrollIntoView({ block: 'nearest' });
      const result = await run(galleryCase, variantName);
      if (!asExpected(galleryCase, variantName, result)) unexpected += 1;
    }
    document.body.dataset.progress = `${steps.length}/${steps.length}`;
    delete document.body.dataset.current;
    progressElement.textContent =
      unexpected === 0
        ? `Done: ${cases.length} broken requests behaved as described and ${cases.length} fixed twins passed.`
        : `Done, but ${unexpected} of ${steps.length} requests did not behave as their card says.`;
    document.body.dataset.unexpected = String(unexpected);
    document.body.dataset.state = 'done';
  }

  for (const galleryCase of cases) cardsElement.append(card(galleryCase));
  runAllButton.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    setButtonsDisabled(true);
    try {
      await runAll();
    } finally {
      busy = false;
      setButtonsDisabled(false);
    }
  });
  progressElement.textContent = `${cases.length} cases, each with a fixed twin.`;
})();
