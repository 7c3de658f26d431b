// Reading and writing text files in a temporary directory: plain, gzip and brotli files, globs and
// lists, blocksize splits (checked against reading the whole file, for random texts and block
// sizes), includePath, JSON lines with a bad line, toTextFiles round trips, and file errors.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import '@dask-ts/scheduler';
import { fromSequence, readJson, readText } from '../index.js';
import { universalLines } from './lines-reference.js';

const sync = { scheduler: 'sync' } as const;
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dask-ts-bag-'));
  mkdirSync(join(dir, 'logs', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'logs', 'a.txt'), 'alpha\nbeta\n');
  writeFileSync(join(dir, 'logs', 'b.txt.gz'), zlib.gzipSync('gamma\r\ndelta'));
  writeFileSync(join(dir, 'logs', 'c.txt.br'), zlib.brotliCompressSync('épsilon\n\nzeta\n'));
  writeFileSync(join(dir, 'logs', 'deep', 'd.txt'), 'eta\n');
  writeFileSync(join(dir, 'logs', '.hidden.txt'), 'secret\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readText', () => {
  test('plain, gzip and brotli files from a glob, in sorted order', async () => {
    const b = readText(join(dir, 'logs', '*.txt*'));
    expect(b.npartitions).toBe(3);
    expect(await b.compute(sync)).toEqual([
      'alpha\n',
      'beta\n',
      'gamma\n',
      'delta',
      'épsilon\n',
      '\n',
      'zeta\n',
    ]);
    expect(
      await readText(join(dir, 'logs', '*.txt*'), { keepDelimiter: false }).compute(sync),
    ).toEqual(['alpha', 'beta', 'gamma', 'delta', 'épsilon', '', 'zeta']);
  });

  test('** globs, ? and lists of paths', async () => {
    const strip = { keepDelimiter: false } as const;
    expect(await readText(join(dir, 'logs', '**', '?.txt'), strip).compute(sync)).toEqual([
      'alpha',
      'beta',
      'eta',
    ]);
    expect(
      await readText(
        [join(dir, 'logs', 'deep', 'd.txt'), join(dir, 'logs', 'a.txt')],
        strip,
      ).compute(sync),
    ).toEqual(['eta', 'alpha', 'beta']);
  });

  test('includePath gives [line, path] pairs', async () => {
    const p = join(dir, 'logs', 'a.txt');
    expect(await readText(p, { includePath: true }).compute(sync)).toEqual([
      ['alpha\n', p],
      ['beta\n', p],
    ]);
  });

  test('blocksize splits give exactly the lines of the whole file', async () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', '\r'), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        async (ls, finalNewline, blocksize) => {
          const text = ls.join('\n') + (finalNewline && ls.length > 0 ? '\n' : '');
          const p = join(dir, 'block.txt');
          writeFileSync(p, text);
          const b = readText(p, { blocksize });
          const size = Buffer.byteLength(text);
          expect(b.npartitions).toBe(size <= blocksize ? 1 : Math.ceil(size / blocksize));
          expect(await b.compute(sync)).toEqual(universalLines(text));
          expect(await readText(p).compute(sync)).toEqual(universalLines(text));
          expect(await readText(p, { blocksize, keepDelimiter: false }).compute(sync)).toEqual(
            universalLines(text, false),
          );
        },
      ),
      { numRuns: 120 },
    );
  });

  test('a pattern matching nothing, a missing file and a directory name the path', () => {
    expect(() => readText(join(dir, 'nothing', '*.txt'))).toThrow(
      `readText: no files match the pattern ${join(dir, 'nothing', '*.txt')}`,
    );
    expect(() => readText(join(dir, 'missing.txt'))).toThrow(
      new RegExp(`readText: cannot read ${join(dir, 'missing.txt')}.*ENOENT`),
    );
    expect(() => readText(join(dir, 'logs'))).toThrow(
      `readText: cannot read ${join(dir, 'logs')}: it is not a file`,
    );
    expect(() => readText([])).toThrow('readText: no paths given');
    expect(() => readText(join(dir, 'logs', 'a.txt'), { blocksize: 0 })).toThrow(
      /blocksize must be a positive integer number of bytes, got 0/,
    );
  });

  test('a file that becomes unreadable fails the compute naming the path', async () => {
    const p = join(dir, 'gone.txt');
    writeFileSync(p, 'x\n');
    const b = readText(p);
    rmSync(p);
    await expect(b.compute(sync)).rejects.toThrow(`Cannot read ${p}: ENOENT`);
    const q = join(dir, 'locked.txt');
    writeFileSync(q, 'x\n');
    chmodSync(q, 0);
    const locked = readText(q);
    if (process.getuid?.() !== 0)
      await expect(locked.compute(sync)).rejects.toThrow(`Cannot read ${q}: EACCES`);
    chmodSync(q, 0o644);
  });

  test('a corrupt gzip file names the path', async () => {
    const p = join(dir, 'bad.txt.gz');
    writeFileSync(p, 'not gzip at all');
    await expect(readText(p).compute(sync)).rejects.toThrow(`Cannot decompress (gzip) ${p}`);
  });

  test('zstd files need Node >= 22.15', () => {
    const p = join(dir, 'z.txt.zst');
    writeFileSync(p, 'whatever');
    if (typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync !== 'function') {
      expect(() => readText(p)).toThrow(
        `Cannot handle zstd-compressed file ${p}: zstd needs Node >= 22.15`,
      );
    }
  });
});

describe('readJson', () => {
  test('JSON lines, blank lines skipped, with blocks', async () => {
    const recs = Array.from({ length: 50 }, (_, i) => ({
      id: i,
      name: `n${i}`,
      tags: i % 3 === 0 ? ['x'] : [],
    }));
    const p = join(dir, 'recs.jsonl');
    writeFileSync(p, recs.map((r) => JSON.stringify(r)).join('\n') + '\n\n');
    expect(await readJson(p).compute(sync)).toEqual(recs);
    expect(await readJson(p, { blocksize: 100 }).compute(sync)).toEqual(recs);
    expect(await readJson(p, { includePath: true }).compute(sync)).toEqual(recs.map((r) => [r, p]));
  });

  test('a bad line names the path and the line number, also inside a later block', async () => {
    const p = join(dir, 'bad.jsonl');
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ i }));
    lines[22] = '{"i": 22,';
    writeFileSync(p, lines.join('\n') + '\n');
    await expect(readJson(p).compute(sync)).rejects.toThrow(`Bad JSON in ${p} at line 23`);
    await expect(readJson(p, { blocksize: 64 }).compute(sync)).rejects.toThrow(
      `Bad JSON in ${p} at line 23`,
    );
    await expect(readJson(p).compute(sync)).rejects.toMatchObject({ name: 'SyntaxError' });
  });
});

describe('toTextFiles', () => {
  test('round trip through plain, gzip and brotli files', async () => {
    const xs = Array.from({ length: 25 }, (_, i) => `line ${i}`);
    const b = fromSequence(xs, { npartitions: 4 });
    for (const suffix of ['txt', 'txt.gz', 'txt.br']) {
      const paths = await b.toTextFiles(join(dir, 'out', suffix, `part-*.${suffix}`), sync);
      expect(paths).toEqual(
        [0, 1, 2, 3].map((i) => join(dir, 'out', suffix, `part-${i}.${suffix}`)),
      );
      expect(
        await readText(join(dir, 'out', suffix, '*'), { keepDelimiter: false }).compute(sync),
      ).toEqual(xs);
    }
    const gz = readFileSync(join(dir, 'out', 'txt.gz', 'part-0.txt.gz'));
    expect(zlib.gunzipSync(gz).toString()).toBe('line 0\nline 1\nline 2\nline 3\nline 4\nline 5');
  });

  test('directories, name functions, explicit compression and path lists', async () => {
    const b = fromSequence(['a', 'b', 'c'], { npartitions: 3 });
    expect(await b.toTextFiles(join(dir, 'plain-dir'), sync)).toEqual(
      [0, 1, 2].map((i) => join(dir, 'plain-dir', `${i}.part`)), // one digit: no padding
    );
    const named = await b.toTextFiles(join(dir, 'named', '*.txt'), {
      ...sync,
      nameFunction: (i) => `p${String(i).padStart(3, '0')}`,
      compression: 'gzip',
    });
    expect(named[2]).toBe(join(dir, 'named', 'p002.txt'));
    expect(zlib.gunzipSync(readFileSync(named[2])).toString()).toBe('c');
    const listed = await b.toTextFiles(
      ['x', 'y', 'z'].map((n) => join(dir, 'list', n)),
      sync,
    );
    expect(readFileSync(listed[1], 'utf8')).toBe('b');
  });

  test('bad paths and non-string elements are named', async () => {
    const b = fromSequence(['a', 'b'], { npartitions: 2 });
    await expect(b.toTextFiles([join(dir, 'one')], sync)).rejects.toThrow(
      'toTextFiles: got 1 paths for a bag of 2 partitions',
    );
    await expect(b.toTextFiles(join(dir, '*', '*'), sync)).rejects.toThrow(/has 2 '\*'/);
    await expect(
      b.toTextFiles(join(dir, 'same', '*'), { ...sync, nameFunction: () => 'x' }),
    ).rejects.toThrow(/gives the same file/);
    await expect(
      fromSequence([1, 2], { npartitions: 1 }).toTextFiles(join(dir, 'nums'), sync),
    ).rejects.toThrow(
      /toTextFiles writes strings, but element 0 of the partition for .*0\.part is number 1/,
    );
  });
});
