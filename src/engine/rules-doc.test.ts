import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRulesDoc } from './rules-doc';
import { RULES } from './rules';
import { CORS_ERROR_NAMES } from './types';

describe('docs/rules.md', () => {
  it('is up to date with the catalogue (run `npm run docs:rules`)', () => {
    const committed = readFileSync(resolve(import.meta.dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    expect(committed).toBe(renderRulesDoc());
  });
  it('the catalogue has an entry for every CorsError name ever shipped', () => {
    for (const name of CORS_ERROR_NAMES) expect(RULES[name]?.name).toBe(name);
  });
});
