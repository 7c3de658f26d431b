// Result comments in README blocks: which comments state a result, and the check inserted for it.
import { describe, expect, test } from '@jest/globals';
import { insertChecks, leadingLiteral } from './expectations.js';

describe('leadingLiteral', () => {
  test.each([
    [' 15', '15'],
    [' [6, 8, 10]', '[6, 8, 10]'],
    [' [21], in this thread', '[21]'],
    [' 6, on worker threads', '6'],
    [" [['ada', 195], ['bob', 60]]: per user", "[['ada', 195], ['bob', 60]]"],
    [" { a: 1, 'b': [true, null] }", "{ a: 1, 'b': [true, null] }"],
    [' -1', '-1'],
  ])('%j states %s', (comment, literal) => {
    expect(leadingLiteral(comment)).toBe(literal);
  });

  test.each([
    [' FunctionRefError: "... uses the outer variable"'],
    [' total === 780'],
    [' Delayed<number>: nothing ran yet'],
    [' runs anywhere'],
    [' [21'],
    [' Map { a => 0 }'],
    [' x, y'],
  ])('%j is prose', (comment) => {
    expect(leadingLiteral(comment)).toBeUndefined();
  });
});

describe('insertChecks', () => {
  const where = (line: number) => `R.md:${line + 10}`;

  test('checks an expression statement, keeping it on its lines', () => {
    const { code, expectations } = insertChecks(
      'await f();\nawait g(\n  1,\n); // [21], in this thread\n',
      where,
    );
    expect(expectations).toEqual([{ line: 4, literal: '[21]' }]);
    expect(code.split('\n').slice(0, 4)).toEqual([
      'await f();',
      '__docsCheck(await g(',
      '  1,',
      '), [21], "R.md:14"); // [21], in this thread',
    ]);
  });

  test('checks the names a declaration binds: one name, or several as an array', () => {
    const { code } = insertChecks(
      'const [z] = await get(); // 3\nconst [a, b] = pair(); // [1, 2]\n',
      where,
    );
    expect(code.split('\n').slice(0, 2)).toEqual([
      'const [z] = await get(); __docsCheck(z, 3, "R.md:11"); // 3',
      'const [a, b] = pair(); __docsCheck([a, b], [1, 2], "R.md:12"); // [1, 2]',
    ]);
  });

  test('leaves a block without result comments as it is', () => {
    const source = 'const x = 1; // runs anywhere\nconsole.log(x);\n';
    expect(insertChecks(source, where)).toEqual({ code: source, expectations: [] });
  });
});
