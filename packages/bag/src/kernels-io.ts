// Kernels that read and write text files. A read task covers a whole file or, for large
// uncompressed files, one byte range (a block): it owns exactly the lines that START inside its
// range, reading past its end to finish its last line, so the blocks of a file together give the
// same lines as reading it whole. Lines are split on '\n' (a trailing '\r' is dropped) and do not
// keep their terminator; a final newline does not make an empty last line. A block is read with
// one read of its byte range into a buffer the thread reuses, and decoded once, in small slices
// cut at newlines (so no string outgrows V8's limit, and none outlives the young generation). Every file
// error names the path; a bad JSON line names the path and its line number.
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { compress, decompress, type Compression } from './compression.js';
import { describe } from './kernels-elementwise.js';

const NL = 10;
/** Bytes decoded at a time: small strings stay in V8's young generation (cheap to collect). */
const SLICE = 64 << 10;
const EXTEND = 64 << 10;
/** The largest read buffer a thread keeps for its next block (larger ones are allocated each time). */
const KEEP_BUFFER = (64 << 20) + EXTEND;

// One read buffer per thread, reused from block to block: a block's bytes are decoded into
// strings (copies) before the task ends, so nothing holds the buffer afterwards, and reading a
// file needs no fresh memory (and no page faults) per block.
let spare: Buffer | undefined;

function readBuffer(size: number): Buffer {
  if (size > KEEP_BUFFER) return Buffer.allocUnsafeSlow(size);
  if (spare === undefined || spare.length < size)
    spare = Buffer.allocUnsafeSlow(Math.max(size, 1 << 20));
  return spare.subarray(0, size);
}

function fileError(path: string, err: unknown, doing = 'read'): Error {
  const e = err as NodeJS.ErrnoException;
  const out = new Error(`Cannot ${doing} ${path}: ${e?.message ?? String(err)}`, {
    cause: err,
  }) as NodeJS.ErrnoException;
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

/**
 * What a read task streams: the lines (or JSON records) of a file, or of the lines of a plain
 * file that start in [start, end) (`end` < 0: to the end of the file).
 *
 * @example
 * const spec: ReadSpec = { read: 'text', path: '/tmp/a.txt', compression: 'none', start: 0, end: -1, includePath: false, encoding: 'utf8' };
 */
export interface ReadSpec {
  readonly read: 'text' | 'json';
  readonly path: string;
  readonly compression: Compression;
  readonly start: number;
  readonly end: number;
  readonly includePath: boolean;
  readonly encoding: BufferEncoding;
}

/** Reads the lines of `path` that start in [start, end): one read of the range (and a little more, to finish the last line). */
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
    const buf = readBuffer(Math.min(size, stop + EXTEND) - from);
    const got = readAt(fd, buf, from);
    let first = 0;
    if (start > 0) {
      const nl = buf.indexOf(NL);
      if (nl < 0 || from + nl + 1 >= stop) return { bytes: Buffer.alloc(0), offset: stop };
      first = nl + 1;
    }
    // The last owned line ends at the first newline at or after byte stop - 1.
    const nl = buf.indexOf(NL, stop - 1 - from);
    if (nl >= 0 && nl < got) return { bytes: buf.subarray(first, nl + 1), offset: from + first };
    if (from + got >= size) return { bytes: buf.subarray(first, got), offset: from + first };
    // A line longer than EXTEND: read on until it ends.
    const parts = [buf.subarray(first, got)];
    let pos = from + got;
    for (;;) {
      const chunk = Buffer.allocUnsafe(EXTEND);
      const n = readAt(fd, chunk, pos);
      if (n === 0) break;
      const cut = chunk.subarray(0, n).indexOf(NL);
      if (cut >= 0) {
        parts.push(chunk.subarray(0, cut + 1));
        break;
      }
      parts.push(chunk.subarray(0, n));
      pos += n;
    }
    return { bytes: Buffer.concat(parts), offset: from + first };
  } catch (err) {
    throw fileError(path, err);
  } finally {
    closeSync(fd);
  }
}

/**
 * Calls `each` with every line of `buf` and its index (no terminator; a trailing '\r' dropped; a
 * final newline makes no empty last line). The bytes are decoded once, in slices cut at newlines,
 * so no single string outgrows V8's string limit.
 *
 * @example
 * forEachLine(Buffer.from('a\nb\n'), 'utf8', (line) => console.log(line));
 */
export function forEachLine(
  buf: Buffer,
  encoding: BufferEncoding,
  each: (line: string, index: number) => void,
): void {
  let pos = 0;
  let index = 0;
  while (pos < buf.length) {
    let cut = Math.min(buf.length, pos + SLICE);
    if (cut < buf.length) {
      const nl = buf.lastIndexOf(NL, cut - 1);
      cut = nl >= pos ? nl + 1 : buf.indexOf(NL, cut) + 1 || buf.length;
    }
    const text = buf.toString(encoding, pos, cut);
    let p = 0;
    for (;;) {
      const nl = text.indexOf('\n', p);
      const stop = nl < 0 ? text.length : nl;
      if (nl < 0 && p >= stop) break;
      each(
        text.charCodeAt(stop - 1) === 13 && stop > p
          ? text.slice(p, stop - 1)
          : text.slice(p, stop),
        index++,
      );
      if (nl < 0) break;
      p = nl + 1;
    }
    pos = cut;
  }
}

/**
 * Streams the lines (or parsed JSON records; blank lines skipped) of a read spec into `push`. A
 * line that is not JSON throws a SyntaxError naming the file and the line number.
 *
 * @example
 * streamRead(spec, (line) => lines.push(line));
 */
export function streamRead(spec: ReadSpec, push: (x: unknown) => void): void {
  const { path, includePath } = spec;
  const block = readBlock(path, spec.compression, spec.start, spec.end);
  if (spec.read === 'text') {
    forEachLine(block.bytes, spec.encoding, includePath ? (l) => push([l, path]) : push);
    return;
  }
  forEachLine(block.bytes, spec.encoding, (line, i) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      if (line.trim() === '') return;
      const lineNo = linesBefore(path, block.offset) + i + 1;
      throw new SyntaxError(
        `Bad JSON in ${path} at line ${lineNo}: ${(err as Error).message}. The line starts: ${JSON.stringify(line.slice(0, 80))}`,
        { cause: err },
      );
    }
    push(includePath ? [v, path] : v);
  });
}

/** The signature of the read kernels (`end` < 0: to the end of the file). */
type ReadKernel = (
  path: string,
  compression: Compression,
  start: number,
  end: number,
  includePath: boolean,
  encoding: BufferEncoding,
) => unknown[];

/** The read kernel that collects what `streamRead` streams for a spec of kind `read`. */
function readKernel(read: ReadSpec['read']): ReadKernel {
  return (path, compression, start, end, includePath, encoding) => {
    const out: unknown[] = [];
    streamRead(
      { read, path, compression, start, end, includePath, encoding },
      (x) => void out.push(x),
    );
    return out;
  };
}

/** Reads a file or block as lines (with `includePath`, as `[line, path]` pairs). @example readText('a.txt', 'none', 0, -1, false, 'utf8') */
export const readText: ReadKernel = readKernel('text');

/** Reads a file or block of JSON lines (blank lines skipped). @example readJson('a.jsonl', 'none', 0, -1, false, 'utf8') */
export const readJson: ReadKernel = readKernel('json');

/** Number of newlines before byte `offset` of a plain file (only asked for on errors). */
function linesBefore(path: string, offset: number): number {
  if (offset === 0) return 0;
  const fd = openSync(path, 'r');
  try {
    let count = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; pos < offset;) {
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
export function writeText(
  part: readonly unknown[],
  path: string,
  compression: Compression,
  encoding: BufferEncoding,
): string[] {
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
