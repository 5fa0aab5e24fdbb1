import { describe, expect, it } from 'vitest';
import { isCredentialHeader, isSecretName, Redactor } from './redact';

describe('secret names', () => {
  it.each([
    'token', 'access_token', 'accessToken', 'id_token', 'api_key', 'apikey', 'API-KEY', 'x-api-key', 'key', 'secret',
    'client_secret', 'password', 'passwd', 'pwd', 'sig', 'signature', 'X-Amz-Signature', 'X-Amz-Credential',
    'X-Amz-Security-Token', 'code', 'session', 'sessionid', 'PHPSESSID', 'JSESSIONID', 'sid', 'auth', 'authToken',
    'jwt', 'credentials', 'otp', 'csrf_token', 'tokens',
  ])('%s looks secret', (name) => expect(isSecretName(name)).toBe(true));

  it.each(['page', 'q', 'sort', 'author', 'authuser', 'zipcode', 'id', 'lang', 'keyboard', 'signal', 'monkey', 'limit', 'utm_source'])(
    '%s does not',
    (name) => expect(isSecretName(name)).toBe(false),
  );

  it('treats credential headers as secret, CORS and challenge headers never', () => {
    for (const name of ['Cookie', 'set-cookie', 'Authorization', 'Proxy-Authorization', 'X-Api-Key', 'X-Auth-Token', 'X-CSRF-Token']) {
      expect(isCredentialHeader(name), name).toBe(true);
    }
    for (const name of ['Access-Control-Allow-Credentials', 'Access-Control-Allow-Headers', 'WWW-Authenticate', 'Sec-Fetch-Mode', 'Origin', 'Content-Type', 'Vary']) {
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
