// Kernels that read and write text files. A read task covers a whole file or, for large
// uncompressed files, one byte range (a block): it owns exactly the lines that START inside its
// range, reading past its end to finish its last line, so the blocks of a file together give the
// same lines as reading it whole. Lines are split on '\n' (a trailing '\r' is dropped) and do not
// keep their terminator; a final newline does not make an empty last line. Large buffers are
// decoded in slices cut at newlines, so no single string outgrows V8's string limit. Every file
// error names the path; a bad JSON line names the path and its line number.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { compress, decompress, type Compression } from './compression.js';
import { describe } from './kernels-elementwise.js';

const NL = 10;
const SLICE = 8 << 20;
const EXTEND = 64 << 10;

function fileError(path: string, err: unknown, doing = 'read'): Error {
  const e = err as NodeJS.ErrnoException;
  const out = new Error(`Cannot ${doing} ${path}: ${e?.message ?? String(err)}`, { cause: err }) as NodeJS.ErrnoException;
  if (e?.code !== undefined) out.code = e.code;
  return out;
}

function readAt(fd: number, buf: Buffer, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

interface Block {
  /** The bytes of the owned lines. */
  readonly bytes: Buffer;
  /** Absolute offset of `bytes` in the (uncompressed) file. */
  readonly offset: number;
}

/** Reads the lines of `path` that start in [start, end) (`end` < 0: to the end of the file). */
function readBlock(path: string, compression: Compression, start: number, end: number): Block {
  if (compression !== 'none' || (start === 0 && end < 0)) {
    let raw: Buffer;
    try {
      raw = readFileSync(path);
    } catch (err) {
      throw fileError(path, err);
    }
    try {
      return { bytes: decompress(raw, compression, path), offset: 0 };
    } catch (err) {
      throw fileError(path, err, `decompress (${compression})`);
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fileError(path, err);
  }
  try {
    const size = fstatSync(fd).size;
    const stop = end < 0 ? size : Math.min(end, size);
    if (start >= stop) return { bytes: Buffer.alloc(0), offset: start };
    const from = start > 0 ? start - 1 : 0;
    const head = Buffer.allocUnsafe(stop - from);
    readAt(fd, head, from);
    let first = 0;
    if (start > 0) {
      const nl = head.indexOf(NL);
      if (nl < 0 || nl + 1 >= head.length) return { bytes: Buffer.alloc(0), offset: stop };
      first = nl + 1;
    }
    const parts = [head.subarray(first)];
    if (head[head.length - 1] !== NL && stop < size) {
      // Finish the last owned line past the end of the block.
      let pos = stop;
      for (;;) {
        const chunk = Buffer.allocUnsafe(EXTEND);
        const n = readAt(fd, chunk, pos);
        if (n === 0) break;
        const nl = chunk.subarray(0, n).indexOf(NL);
        if (nl >= 0) {
          parts.push(chunk.subarray(0, nl + 1));
          break;
        }
        parts.push(chunk.subarray(0, n));
        pos += n;
      }
    }
    return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), offset: from + first };
  } catch (err) {
    throw fileError(path, err);
  } finally {
    closeSync(fd);
  }
}

/** Splits bytes into lines, decoding slices cut at newlines. */
function bufferLines(buf: Buffer, encoding: BufferEncoding): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let cut = Math.min(buf.length, pos + SLICE);
    if (cut < buf.length) {
      const nl = buf.lastIndexOf(NL, cut - 1);
      cut = nl >= pos ? nl + 1 : (buf.indexOf(NL, cut) + 1 || buf.length);
    }
    const text = buf.toString(encoding, pos, cut);
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const l of lines) out.push(l.endsWith('\r') ? l.slice(0, -1) : l);
    pos = cut;
  }
  return out;
}

/** Reads a file or block as lines (with `includePath`, as `[line, path]` pairs). @example readText('a.txt', 'none', 0, -1, false, 'utf8') */
export function readText(
  path: string,
  compression: Compression,
  start: number,
  end: number,
  includePath: boolean,
  encoding: BufferEncoding,
): unknown[] {
  const lines = bufferLines(readBlock(path, compression, start, end).bytes, encoding);
  return includePath ? lines.map((l) => [l, path]) : lines;
}

/** Reads a file or block of JSON lines (blank lines skipped). @example readJson('a.jsonl', 'none', 0, -1, false, 'utf8') */
export function readJson(
  path: string,
  compression: Compression,
  start: number,
  end: number,
  includePath: boolean,
  encoding: BufferEncoding,
): unknown[] {
  const block = readBlock(path, compression, start, end);
  const lines = bufferLines(block.bytes, encoding);
  const out: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      const lineNo = linesBefore(path, block.offset) + i + 1;
      throw new SyntaxError(
        `Bad JSON in ${path} at line ${lineNo}: ${(err as Error).message}. The line starts: ${JSON.stringify(line.slice(0, 80))}`,
        { cause: err },
      );
    }
    out.push(includePath ? [v, path] : v);
  }
  return out;
}

/** Number of newlines before byte `offset` of a plain file (only asked for on errors). */
function linesBefore(path: string, offset: number): number {
  if (offset === 0) return 0;
  const fd = openSync(path, 'r');
  try {
    let count = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; pos < offset; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, offset - pos), pos);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (buf[i] === NL) count++;
      pos += n;
    }
    return count;
  } finally {
    closeSync(fd);
  }
}

/** Writes one partition of strings as lines; returns `[path]` (a partition of the bag of written paths). @example writeText(['a'], 'out/0.txt', 'none', 'utf8') */
export function writeText(part: readonly unknown[], path: string, compression: Compression, encoding: BufferEncoding): string[] {
  for (let i = 0; i < part.length; i++) {
    if (typeof part[i] !== 'string') {
      throw new TypeError(
        `toTextFiles writes strings, but element ${i} of the partition for ${path} is ${describe(part[i])}; map the elements to strings first (for example .map((x) => JSON.stringify(x)))`,
      );
    }
  }
  const text = part.length === 0 ? '' : `${(part as string[]).join('\n')}\n`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, compress(Buffer.from(text, encoding), compression, path));
  } catch (err) {
    throw fileError(path, err, 'write');
  }
  return [path];
}
