import { describe, expect, it } from 'vitest';
import { fixCauseFor, renderFixSnippets, STACK_FIXES } from './fixes';

const policy = { origin: 'http://127.0.0.1:5173', credentials: true, methods: ['GET', 'POST', 'PUT'], headers: ['X-Request-Id'] };

describe('fix snippets', () => {
  it('one per stack, in display order, each opening with the versions and whether the suite verified it', () => {
    const snippets = renderFixSnippets(policy);
    expect(snippets.map((s) => s.stack)).toEqual(STACK_FIXES.map((f) => f.stack));
    for (const snippet of snippets) {
      const first = snippet.code.split('\n')[0]!;
      expect(first).toContain(snippet.versions);
      if (snippet.verified) expect(first).toContain(`Verified by CORS Doctor's test suite on ${snippet.verified.version}.`);
      else expect(first).toContain("NOT verified by CORS Doctor's test suite");
    }
    expect(snippets.filter((s) => s.verified === null).map((s) => s.stack)).toEqual(['spring', 'aspnet']);
  });

  it('fills in the observed origin, method and header, and allows nothing wider', () => {
    for (const snippet of renderFixSnippets(policy)) {
      // Apache matches the origin with a regular expression, dots escaped.
      expect(snippet.code.replace(/\\(.)/g, '$1'), snippet.stack).toContain('http://127.0.0.1:5173');
      expect(snippet.code, snippet.stack).toMatch(/PUT|:put/);
      expect(snippet.code.toLowerCase(), snippet.stack).toContain('x-request-id');
      expect(snippet.code, snippet.stack).not.toMatch(/origins?:? ?=?\[?['"]\*['"]|Allow-Origin:? ['"]?\*|AllowAnyOrigin|origin: true/i);
    }
  });

  it("has no app.options('*') line, which Express 5 rejects at start-up", () => {
    const express = renderFixSnippets(policy).find((s) => s.stack === 'express')!;
    expect(express.code).not.toContain("app.options('*'");
  });

  it('adds the lines a cause needs, and only for that cause', () => {
    const plain = renderFixSnippets(policy);
    const duplicate = renderFixSnippets({ ...policy, cause: 'duplicate-allow-origin' });
    const byStack = (list: typeof plain, stack: string) => list.find((s) => s.stack === stack)!.code;
    expect(byStack(duplicate, 'nginx')).toContain('proxy_hide_header Access-Control-Allow-Origin;');
    expect(byStack(plain, 'nginx')).not.toContain('proxy_hide_header');
    expect(byStack(duplicate, 'apache')).toContain('Header onsuccess unset Access-Control-Allow-Origin');
    const auth = renderFixSnippets({ ...policy, cause: 'preflight-refused-by-auth' });
    expect(byStack(auth, 'flask')).toContain('@app.before_request');
    expect(byStack(plain, 'flask')).not.toContain('@app.before_request');
  });

  it('tells the cause from the rule and the status of the failing response', () => {
    expect(fixCauseFor('PreflightInvalidStatus', 401)).toBe('preflight-refused-by-auth');
    expect(fixCauseFor('PreflightInvalidStatus', 403)).toBe('preflight-refused-by-auth');
    expect(fixCauseFor('PreflightMissingAllowOriginHeader', 401)).toBe('preflight-refused-by-auth');
    expect(fixCauseFor('PreflightInvalidStatus', 404)).toBeNull();
    expect(fixCauseFor('MissingAllowOriginHeader', 500)).toBe('error-response');
    expect(fixCauseFor('MissingAllowOriginHeader', 200)).toBeNull();
    expect(fixCauseFor('MultipleAllowOriginValues', 200)).toBe('duplicate-allow-origin');
    expect(fixCauseFor('PreflightMultipleAllowOriginValues', 204)).toBe('duplicate-allow-origin');
  });

  it('hands out fresh objects: a consumer editing one does not change the next verdict', () => {
    const first = renderFixSnippets(policy);
    first[0]!.code = 'edited';
    first[0]!.verified!.version = 'edited';
    const second = renderFixSnippets(policy);
    expect(second[0]!.code).not.toBe('edited');
    expect(second[0]!.verified!.version).not.toBe('edited');
  });
});
