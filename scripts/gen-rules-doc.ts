/** Writes docs/rules.md from the engine's rule catalogue (`npm run docs:rules`). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderRulesDoc } from '../src/engine/rules-doc';

const target = resolve(import.meta.dirname, '..', 'docs', 'rules.md');
writeFileSync(target, renderRulesDoc());
console.log(`wrote ${target}`);
