import { describe, expect, it } from 'vitest';
import { browserOfReport, browserStatements, failureName } from './browser-names';

const verdict = {
  rule: 'MissingAllowOriginHeader' as const,
  firefox: {
    key: 'CORSMissingAllowOrigin',
    message: 'Cross-Origin Request Blocked: … (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.',
  },
  chromeMessage: "Access to fetch at 'http://localhost:5000/x' from origin 'http://127.0.0.1:4000' has been blocked by CORS policy: …",
};

describe('browser names', () => {
  it('takes the browser from the report, Chromium when it does not say', () => {
    expect(browserOfReport({ browser: { name: 'Firefox', version: '153.0' } })).toBe('firefox');
    expect(browserOfReport({ browser: { name: 'Chromium', version: '140' } })).toBe('chromium');
    expect(browserOfReport({ browser: null })).toBe('chromium');
  });

  it("names a failure by the recording browser's name, falling back to Chromium's rule", () => {
    expect(failureName(verdict, 'firefox')).toBe('CORSMissingAllowOrigin');
    expect(failureName(verdict, 'chromium')).toBe('MissingAllowOriginHeader');
    expect(failureName({ ...verdict, firefox: null }, 'firefox')).toBe('MissingAllowOriginHeader');
  });

  it("puts the recording browser's console text first, the other browser's after it", () => {
    expect(browserStatements(verdict, 'firefox').map((s) => [s.browser, s.name])).toEqual([
      ['Firefox', 'CORSMissingAllowOrigin'],
      ['Chromium', 'MissingAllowOriginHeader'],
    ]);
    expect(browserStatements(verdict, 'chromium').map((s) => s.browser)).toEqual(['Chromium', 'Firefox']);
    expect(browserStatements({ ...verdict, chromeMessage: null }, 'firefox').map((s) => s.browser)).toEqual(['Firefox']);
  });
});
