import { describe, expect, it } from 'vitest';
import { browserInfo, detectBrowser } from './browser-name';

const CHROMIUM = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.59 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

describe('detectBrowser', () => {
  it('names Firefox by its user agent and everything else Chromium', () => {
    expect(detectBrowser(FIREFOX)).toBe('firefox');
    expect(detectBrowser(CHROMIUM)).toBe('chromium');
    expect(detectBrowser('')).toBe('chromium');
  });

  it('agrees with the browser named in reports', () => {
    expect(browserInfo(FIREFOX)).toEqual({ name: 'Firefox', version: '140.0' });
    expect(browserInfo(CHROMIUM)).toEqual({ name: 'Chromium', version: '142.0.7444.59' });
    expect(browserInfo('curl/8')).toBeNull();
  });
});
