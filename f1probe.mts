import { startLab } from './lab/server';
import { fetchFrom, launchFirefoxWithExtension } from './tools/firefox';
const lab = await startLab();
const ff = await launchFirefoxWithExtension();
try {
  const page = await ff.newPage();
  await page.goto(`${lab.origins.page}/blank`);
  const tabId = await ff.tabIdOf(page);
  const a = lab.route('api', '/missing', { response: { body: 'json' } });
  const b = lab.route('api', '/prefail', { preflight: { status: 200, headers: [['Access-Control-Allow-Origin', '{origin}']] }, response: { body: 'json', headers: [['Access-Control-Allow-Origin', '{origin}']] } });
  const c = lab.route('api', '/pass', { response: { body: 'json', headers: [['Access-Control-Allow-Origin', '*']] } });
  console.log(await fetchFrom(page, a));
  console.log(await fetchFrom(page, b, { method: 'PUT' }));
  console.log(await fetchFrom(page, c));
  await ff.waitForCorsMessages(b, { count: 2 });
  await new Promise(r => setTimeout(r, 2000));
  const report: any = await ff.sendMessage({ type: 'getReport', tabId });
  console.log(JSON.stringify(report.entries.map((e: any) => ({ url: e.request.url, method: e.request.method, pre: e.preflight && { status: e.preflight.response?.status ?? e.preflight.status, err: e.preflight.error }, resp: e.response && e.response.status, error: e.error, rule: e.verdict.rule, blocked: e.verdict.blocked, ff: e.verdict.firefox?.key, partial: e.partial })), null, 1));
  console.log(report.browser, report.summary);
  console.log(JSON.stringify(ff.corsMessages.map(m => [m.url, m.reason])));
} finally { await ff.close(); await lab.close(); }
