import { startLab } from './lab/server';
import { fetchFrom, launchFirefoxWithExtension } from './tools/firefox';
const lab = await startLab();
const ff = await launchFirefoxWithExtension();
try {
  const helper = await ff.extensionPage();
  console.log(await helper.evaluate(async () => JSON.stringify(await chrome.permissions.getAll())));
  await helper.evaluate(`(() => {
    const log = (globalThis.log = []);
    const f = { urls: ['<all_urls>'] };
    for (const [name, spec] of [['onBeforeRequest', []], ['onSendHeaders', ['requestHeaders']], ['onHeadersReceived', ['responseHeaders']], ['onBeforeRedirect', ['responseHeaders']], ['onResponseStarted', ['responseHeaders']], ['onCompleted', ['responseHeaders']], ['onErrorOccurred', null]]) {
      const ev = chrome.webRequest[name];
      const l = (d) => log.push({ ev: name, id: d.requestId, m: d.method, url: d.url, type: d.type, tab: d.tabId, status: d.statusCode, err: d.error, origin: d.originUrl, rh: d.requestHeaders?.map((h) => h.name + ': ' + h.value).join(' | '), resp: d.responseHeaders?.map((h) => h.name + ': ' + h.value).join(' | '), ts: d.timeStamp, init: d.initiator, doc: d.documentUrl, third: d.thirdParty, fromCache: d.fromCache });
      if (spec) ev.addListener(l, f, spec); else ev.addListener(l, f);
    }
  })()`);
  const page = await ff.newPage();
  await page.goto(`${lab.origins.page}/blank`);
  const cases: Array<[string, any, RequestInit]> = [
    ['prepass', { preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}'], ['Access-Control-Allow-Methods', 'PUT']] }, response: { body: 'json', headers: [['Access-Control-Allow-Origin', '{origin}']] } }, { method: 'PUT' }],
    ['pre500', { preflight: { status: 500 }, response: { body: 'json', headers: [['Access-Control-Allow-Origin', '{origin}']] } }, { method: 'PUT' }],
    ['redir', { response: { redirect: { to: '/redir-target' }, headers: [['Access-Control-Allow-Origin', '*']] } }, {}],
    ['noacao-after-pass-pre', { preflight: { status: 204, headers: [['Access-Control-Allow-Origin', '{origin}'], ['Access-Control-Allow-Methods', 'PUT']] }, response: { body: 'json' } }, { method: 'PUT' }],
    ['nocors', { response: { body: 'json' } }, { mode: 'no-cors' }],
  ];
  lab.route('api', '/redir-target', { response: { body: 'json' } });
  let last = '';
  for (const [name, spec, init] of cases) { last = lab.route('api', '/' + name, spec); console.log(name, await fetchFrom(page, last, init)); }
  console.log('refused', await fetchFrom(page, 'http://localhost:1/refused'));
  await new Promise(r => setTimeout(r, 1500));
    for (const e of await helper.evaluate('globalThis.log') as any[]) console.log(JSON.stringify(e));
  console.log(JSON.stringify(ff.corsMessages.map(m => [m.url, m.reason, m.status])));
} finally { await ff.close(); await lab.close(); }
