import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../test-support/report-fixtures';
import { isCredentialHeader, isSecretName, Redactor } from './redact';

describe('secret names', () => {
  it.each([
    'token',
    'access_token',
    'accessToken',
    'id_token',
    'api_key',
    'apikey',
    'API-KEY',
    'x-api-key',
    'key',
    'secret',
    'client_secret',
    'password',
    'passwd',
    'pwd',
    'sig',
    'signature',
    'X-Amz-Signature',
    'X-Amz-Credential',
    'X-Amz-Security-Token',
    'code',
    'session',
    'sessionid',
    'PHPSESSID',
    'JSESSIONID',
    'sid',
    'auth',
    'authToken',
    'jwt',
    'credentials',
    'otp',
    'csrf_token',
    'tokens',
  ])('%s looks secret', (name) => expect(isSecretName(name)).toBe(true));

  it.each(['page', 'q', 'sort', 'author', 'authuser', 'zipcode', 'id', 'lang', 'keyboard', 'signal', 'monkey', 'limit', 'utm_source'])('%s does not', (name) =>
    expect(isSecretName(name)).toBe(false),
  );

  it('treats credential headers as secret, CORS and challenge headers never', () => {
    for (const name of ['Cookie', 'set-cookie', 'Authorization', 'Proxy-Authorization', 'X-Api-Key', 'X-Auth-Token', 'X-CSRF-Token']) {
      expect(isCredentialHeader(name), name).toBe(true);
    }
    for (const name of [
      'Access-Control-Allow-Credentials',
      'Access-Control-Allow-Headers',
      'WWW-Authenticate',
      'Sec-Fetch-Mode',
      'Origin',
      'Content-Type',
      'Vary',
    ]) {
      expect(isCredentialHeader(name), name).toBe(false);
    }
  });
});

describe('Redactor', () => {
  it('redacts userinfo and secret parameters in URLs and leaves the rest byte for byte', () => {
    const redactor = new Redactor();
    expect(redactor.url('https://user:p%40ss@api.example/a%20b?x=1&Token=abc&&flag&sig=&y=%E2%9C%93#access_token=zzz&state=s')).toBe(
      'https://[redacted]@api.example/a%20b?x=1&Token=[redacted]&&flag&sig=&y=%E2%9C%93#access_token=[redacted]&state=s',
    );
    expect(redactor.url('/relative?api%5Fkey=v1')).toBe('/relative?api%5Fkey=[redacted]');
  });

  it('then finds the secrets it collected wherever free text quotes them, decoded or encoded', () => {
    const redactor = new Redactor();
    redactor.url('https://api.example/?token=tok%2Fen-12345');
    redactor.header({ name: 'Authorization', value: `Basic ${btoa('alice:wonderland-99')}` });
    redactor.header({ name: 'Cookie', value: 'a=cookie-value-1; b=2' });
    const text = redactor.text('saw tok/en-12345, tok%2Fen-12345, wonderland-99, cookie-value-1 and 2');
    expect(text).toBe('saw [redacted], [redacted], [redacted], [redacted] and 2');
  });

  it('with includeSecrets changes nothing', () => {
    const redactor = new Redactor({ includeSecrets: true });
    const url = 'https://u:p@h/?token=abc';
    expect(redactor.url(url)).toBe(url);
    expect(redactor.header({ name: 'Cookie', value: 'a=b' })).toEqual({ name: 'Cookie', value: 'a=b' });
  });
});

describe('Redactor: data and prose', () => {
  function withSecrets(...values: string[]): Redactor {
    const redactor = new Redactor();
    for (const value of values) redactor.header({ name: 'Authorization', value: `Bearer ${value}` });
    return redactor;
  }

  it('sweeps data for a secret as a whole token, not inside longer names', () => {
    const redactor = withSecrets('request');
    expect(redactor.text('x-request-id, request, xmlhttprequest, request_id, sid=request;')).toBe(
      'x-request-id, [redacted], xmlhttprequest, request_id, sid=[redacted];',
    );
  });

  it('leaves a word-like secret in prose alone outside quotes, and removes it where prose quotes data', () => {
    const redactor = withSecrets('secret');
    expect(redactor.prose("Secret-looking values, the secret word, `sid=secret`, 'secret' and “secret”.")).toBe(
      "Secret-looking values, the secret word, `sid=[redacted]`, '[redacted]' and “[redacted]”.",
    );
  });

  it('removes a secret that cannot be a word wherever prose has it', () => {
    const redactor = withSecrets('tok-12345-abc');
    expect(redactor.prose('It sent tok-12345-abc without quotes.')).toBe('It sent [redacted] without quotes.');
  });

  it("keeps a sentence's full stop after a redacted URL", () => {
    const redactor = new Redactor();
    expect(redactor.prose('The resource at http://h/x?token=abc123. Then more.')).toBe('The resource at http://h/x?token=[redacted]. Then more.');
  });

  it('sweeps a verdict field it does not know yet, as prose', () => {
    const redactor = withSecrets('tok-12345-abc');
    const verdict = { ...fixtureReport().entries[0]!.verdict, futureField: 'It quoted `tok-12345-abc`.' };
    expect((redactor.verdict(verdict) as typeof verdict).futureField).toBe('It quoted `[redacted]`.');
  });
});
