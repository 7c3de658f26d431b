// The guide docs/writing-a-collection.md quotes the toy collection of src/toy/ (which
// src/toy/vector.test.ts runs): every TypeScript block of the guide is either preceded by
// `<!-- quote: path -->` (blank lines between allowed) and appears verbatim in that file, or is marked `no-run` (an illustration
// the toy's test covers). A quote that drifts from the code fails here, at its guide line.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractBlocks } from './extract.js';
import { repoRoot } from './readmes.js';

const GUIDE = 'docs/writing-a-collection.md';
const text = readFileSync(join(repoRoot, GUIDE), 'utf8');
const lines = text.split('\n');
const blocks = extractBlocks(GUIDE, text).filter((b) => b.mode !== 'skip');

describe(GUIDE, () => {
  test('quotes the toy collection', () => {
    expect(blocks.filter((b) => b.mode === 'run').length).toBeGreaterThanOrEqual(5);
  });

  test.each(blocks.map((b) => [`${GUIDE}:${b.line}`, b] as const))('%s', (_where, block) => {
    if (block.mode === 'typecheck') return;
    let at = block.line - 2; // the line before the fence, skipping blank lines
    while (at > 0 && lines[at].trim() === '') at--;
    const marker = /^<!-- quote: (\S+) -->$/.exec(lines[at] ?? '');
    expect(marker).not.toBeNull();
    const source = readFileSync(join(repoRoot, marker![1]), 'utf8');
    if (!source.includes(block.code.replace(/\n$/, ''))) {
      throw new Error(
        `${GUIDE}:${block.line}: this block is not in ${marker![1]} as it is; copy it again from there`,
      );
    }
  });
});
