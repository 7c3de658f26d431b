// The Markdown extraction rules the docs check relies on: which blocks run, which are only
// type-checked, which are skipped, and the mistakes it refuses with a file and line.
import { expect, test } from '@jest/globals';
import { extractBlocks } from './extract.js';

const fence = '```';

test('ts blocks run, no-run blocks are type-checked only, sh blocks are skipped', () => {
  const md = [
    '# T',
    `${fence}ts`,
    'const a = 1;',
    fence,
    `${fence}ts no-run`,
    'await new Promise(() => {});',
    fence,
    `${fence}sh`,
    'npm test',
    fence,
  ].join('\n');
  expect(extractBlocks('R.md', md).map((b) => [b.line, b.mode, b.code])).toEqual([
    [2, 'run', 'const a = 1;\n'],
    [5, 'typecheck', 'await new Promise(() => {});\n'],
    [8, 'skip', 'npm test\n'],
  ]);
});

test('an indented block (in a list item) loses its indentation; a longer fence holds a shorter one', () => {
  const md = [
    '- item',
    '',
    `   ${fence}ts`,
    '   let x = 1;',
    '     x++;',
    `   ${fence}`,
    '',
    '````text',
    `${fence}ts`,
    '````',
  ].join('\n');
  const blocks = extractBlocks('R.md', md);
  expect(blocks.map((b) => [b.lang, b.code])).toEqual([
    ['ts', 'let x = 1;\n  x++;\n'],
    ['text', `${fence}ts\n`],
  ]);
});

test('a block without a language, with an unknown language or flag, or never closed is refused with its line', () => {
  expect(() => extractBlocks('R.md', `x\n${fence}\ncode\n${fence}\n`)).toThrow(
    /R\.md:2: code block has no language/,
  );
  expect(() => extractBlocks('R.md', `${fence}cobol\nx\n${fence}\n`)).toThrow(
    /R\.md:1: unknown language 'cobol'/,
  );
  expect(() => extractBlocks('R.md', `${fence}ts norun\nx\n${fence}\n`)).toThrow(
    /R\.md:1: unknown flag 'norun'/,
  );
  expect(() => extractBlocks('R.md', `a\nb\n${fence}ts\nx\n`)).toThrow(
    /R\.md:3: code block is never closed/,
  );
});
