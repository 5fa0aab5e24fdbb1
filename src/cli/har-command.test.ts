import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './main';

const PAGE = 'https://app.example.com';

/** A DevTools-style HAR: one credentialed GET refused for `*`, carrying a cookie and a token. */
const HAR = JSON.stringify({
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    entries: [
      {
        startedDateTime: '2026-01-01T12:00:00.000Z',
        time: 4,
        _resourceType: 'fetch',
        request: {
          method: 'GET',
          url: 'https://api.example.com/me?access_token=s3cr3t-token',
          headers: [
            { name: 'Origin', value: PAGE },
            { name: 'Cookie', value: 'session=s3cr3t-cookie' },
            { name: 'Authorization', value: 'Bearer s3cr3t-bearer' },
          ],
        },
        response: { status: 200, headers: [{ name: 'Access-Control-Allow-Origin', value: '*' }], redirectURL: '', _error: 'net::ERR_FAILED' },
      },
    ],
  },
});

async function har(args: string[]): Promise<{ code: number; stdout: string; stderr: string; written: Record<string, string> }> {
  let stdout = '';
  let stderr = '';
  const written: Record<string, string> = {};
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readFile: (path) => {
      if (path === 'ticket.har') return HAR;
      throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    },
    writeFile: (path, text) => void (written[path] = text),
    transport: () => Promise.reject(new Error('cors-doctor har must not touch the network')),
  };
  const code = await runCli(['har', ...args], io);
  return { code, stdout, stderr, written };
}

describe('cors-doctor har', () => {
  it('prints the diagnosis and exits 1 when the HAR holds a blocked request', async () => {
    const result = await har(['ticket.har', '--stack', 'express']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1 cross-origin CORS exchange, 1 blocked\./);
    // A Cookie header is in the HAR, so credentials mode include is evidence, not a guess.
    expect(result.stdout).toMatch(/BLOCKED {2}WildcardOriginNotAllowed: /);
    expect(result.stdout).toMatch(/--- Express \(cors\) ---/);
    expect(result.stdout).not.toMatch(/--- nginx ---/);
  });

  it('writes Markdown and JSON redacted by default, with secrets only when asked', async () => {
    for (const format of ['markdown', 'json']) {
      const redacted = await har(['ticket.har', '--format', format, '--output', `out.${format}`]);
      expect(redacted.code).toBe(1);
      const text = redacted.written[`out.${format}`]!;
      expect(text).toMatch(/WildcardOriginNotAllowed/);
      expect(text).not.toMatch(/s3cr3t/);
      const open = await har(['ticket.har', '--format', format, '--include-secrets']);
      expect(open.stdout).toMatch(/s3cr3t-cookie/);
    }
  });

  it('says what is wrong instead of a verdict: a missing file, a file that is not a HAR, a bad flag (exit 2)', async () => {
    expect(await har(['missing.har'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Cannot read missing\.har/) });
    expect(await har(['ticket.har', '--format', 'pdf'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--format "pdf"/) });
    expect(await har(['ticket.har', '--stack', 'rails'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--stack "rails" is not one of/) });
    expect(await har(['ticket.har', '--frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/frobnicate/) });
  });
});
