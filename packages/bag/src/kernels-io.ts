// Kernels that read and write text files. A read task covers a whole file or, for large
// uncompressed files, one byte range (a block): it owns exactly the records that START inside its
// range, reading past its end to finish its last one, so the blocks of a file together give the
// same records as reading it whole. Records end at the line delimiter and keep it, as Dask's do:
// by default at '\n', '\r\n' or '\r' (Python's universal newlines, each kept as '\n'), or at the
// exact `linedelimiter` string; `keepDelimiter: false` strips it. A block is read with one read of
// its byte range into a buffer the thread reuses and decoded in small slices by a streaming decoder
// (text-codec.ts), so no string outgrows V8's limit and none outlives the young generation. Every
// file error names the path; a bad JSON line names the path and its line number.
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
import { compress, decompress, type Codec } from './compression.js';
import { describe } from './kernels-elementwise.js';
import { encodeText, makeDecoder, type DecodeErrors, type Decoder } from './text-codec.js';

const NL = 10;
const NL_BYTES = Buffer.from('\n');
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
  /** The bytes of the owned records. */
  readonly bytes: Buffer;
  /** Absolute offset of `bytes` in the (uncompressed) file. */
  readonly offset: number;
}

/**
 * What a read task streams: the records (lines, or JSON values) of a file, or those of a plain
 * file that start in [start, end) (`end` < 0: to the end of the file).
 *
 * @example
 * const spec: ReadSpec = { read: 'text', path: '/tmp/a.txt', compression: 'none', start: 0, end: -1, includePath: false, encoding: 'utf-8', errors: 'strict', delimiter: null, keep: true };
 */
export interface ReadSpec {
  readonly read: 'text' | 'json';
  readonly path: string;
  readonly compression: Codec;
  readonly start: number;
  readonly end: number;
  readonly includePath: boolean;
  /** A canonical encoding name (text-codec.ts). */
  readonly encoding: string;
  readonly errors: DecodeErrors;
  /** The record delimiter; null: universal newlines. */
  readonly delimiter: string | null;
  /** Whether records keep their delimiter. */
  readonly keep: boolean;
}

/** The bytes a delimiter is found by, for block ownership ('\n' for universal newlines). */
function ownershipBytes(spec: ReadSpec): Buffer {
  if (spec.delimiter === null || spec.delimiter === '\n') return NL_BYTES;
  return Buffer.from(spec.delimiter, spec.encoding === 'utf-8' ? 'utf8' : 'latin1');
}

/**
 * Reads the records of `path` that start in [start, end): one read of the range (and a little
 * more, to finish the last record). A record starts at byte 0 and after each `delim`.
 */
function readBlock(
  path: string,
  compression: Codec,
  start: number,
  end: number,
  delim: Buffer,
): Block {
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
  const d = delim.length;
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
    const from = Math.max(0, start - d);
    const buf = readBuffer(Math.min(size, stop + EXTEND) - from);
    const got = readAt(fd, buf, from);
    let first = 0;
    if (start > 0) {
      const q = buf.subarray(0, got).indexOf(delim);
      if (q < 0 || from + q + d >= stop) return { bytes: Buffer.alloc(0), offset: stop };
      first = q + d;
    }
    // The last owned record ends with the first delimiter that ends at or after byte `stop`.
    const q = buf.subarray(0, got).indexOf(delim, Math.max(first, stop - d - from));
    if (q >= 0) return { bytes: buf.subarray(first, q + d), offset: from + first };
    if (from + got >= size) return { bytes: buf.subarray(first, got), offset: from + first };
    // A record longer than EXTEND: read on until it ends.
    const parts = [buf.subarray(first, got)];
    let pos = from + got;
    let tail = buf.subarray(Math.max(first, got - (d - 1)), got);
    for (;;) {
      const chunk = Buffer.allocUnsafe(EXTEND);
      const n = readAt(fd, chunk, pos);
      if (n === 0) break;
      // Search across the seam too (a delimiter may straddle two chunks).
      const seam = Buffer.concat([tail, chunk.subarray(0, n)]);
      const cut = seam.indexOf(delim);
      if (cut >= 0) {
        parts.push(chunk.subarray(0, cut + d - tail.length));
        break;
      }
      parts.push(chunk.subarray(0, n));
      tail = seam.subarray(Math.max(0, seam.length - (d - 1)));
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
 * Splits text that arrives in pieces into records: at `delimiter`, or (null) at '\n', '\r\n' and
 * '\r' (each kept as '\n', as Python's universal newlines). Records keep their delimiter unless
 * `keep` is false; a final delimiter makes no empty last record.
 *
 * @example
 * const s = new RecordSplitter(null, true, (r) => out.push(r));
 * s.push('a\r', false); s.push('\nb', true); // out: ['a\n', 'b']
 */
export class RecordSplitter {
  private carry = '';
  private index = 0;
  constructor(
    private readonly delimiter: string | null,
    private readonly keep: boolean,
    private readonly each: (record: string, index: number) => void,
  ) {
    if (delimiter === '') throw new RangeError('linedelimiter must not be empty');
  }

  /** Splits `text` (`final`: nothing follows). */
  push(text: string, final: boolean): void {
    const s = this.carry === '' ? text : this.carry + text;
    // Where the carried text was already searched: only its last few characters can begin a match.
    const d = this.delimiter === null ? 1 : this.delimiter.length;
    const from = Math.max(0, this.carry.length - d);
    const p = this.delimiter === null ? this.universal(s, from, final) : this.exact(s, from);
    const rest = p === 0 ? s : s.slice(p);
    if (final) {
      if (rest !== '') this.each(rest, this.index++);
      this.carry = '';
    } else {
      this.carry = rest;
    }
  }

  private exact(s: string, from: number): number {
    const delim = this.delimiter!;
    const d = delim.length;
    let p = 0;
    let q = s.indexOf(delim, from);
    while (q >= 0) {
      this.each(s.slice(p, this.keep ? q + d : q), this.index++);
      p = q + d;
      q = s.indexOf(delim, p);
    }
    return p;
  }

  private universal(s: string, from: number, final: boolean): number {
    let p = 0;
    let n = s.indexOf('\n', from);
    let r = s.indexOf('\r', from);
    for (;;) {
      let cut: number;
      let len: number;
      if (r >= 0 && (n < 0 || r < n)) {
        // A '\r' that ends the text may be the first half of '\r\n': wait for what follows.
        if (r === s.length - 1 && !final) break;
        cut = r;
        len = s.charCodeAt(r + 1) === 10 ? 2 : 1;
      } else if (n >= 0) {
        cut = n;
        len = 1;
      } else {
        break;
      }
      // A plain '\n' is kept as a slice of the text; '\r' and '\r\n' become '\n' (a new string).
      const record = !this.keep
        ? s.slice(p, cut)
        : len === 1 && n === cut
          ? s.slice(p, cut + 1)
          : `${s.slice(p, cut)}\n`;
      this.each(record, this.index++);
      p = cut + len;
      if (n >= 0 && n < p) n = s.indexOf('\n', p);
      if (r >= 0 && r < p) r = s.indexOf('\r', p);
    }
    return p;
  }
}

/**
 * Decodes `buf` in slices and calls `each` with every record and its index (see RecordSplitter).
 *
 * @example
 * forEachRecord(Buffer.from('a\nb\n'), makeDecoder('utf-8', 'strict', 'a.txt'), null, true, (r) => console.log(r));
 */
export function forEachRecord(
  buf: Buffer,
  decoder: Decoder,
  delimiter: string | null,
  keep: boolean,
  each: (record: string, index: number) => void,
): void {
  const split = new RecordSplitter(delimiter, keep, each);
  if (buf.length === 0) {
    split.push(decoder.decode(buf, false), true);
    return;
  }
  for (let pos = 0; pos < buf.length; pos += SLICE) {
    const cut = Math.min(buf.length, pos + SLICE);
    const last = cut === buf.length;
    split.push(decoder.decode(buf.subarray(pos, cut), !last), last);
  }
}

/**
 * Streams the records (or parsed JSON values; blank lines skipped) of a read spec into `push`. A
 * line that is not JSON throws a SyntaxError naming the file and the line number.
 *
 * @example
 * streamRead(spec, (line) => lines.push(line));
 */
export function streamRead(spec: ReadSpec, push: (x: unknown) => void): void {
  const { path, includePath } = spec;
  const block = readBlock(path, spec.compression, spec.start, spec.end, ownershipBytes(spec));
  const decoder = makeDecoder(spec.encoding, spec.errors, path);
  if (spec.read === 'text') {
    forEachRecord(
      block.bytes,
      decoder,
      spec.delimiter,
      spec.keep,
      includePath ? (l) => push([l, path]) : push,
    );
    return;
  }
  // JSON ignores the delimiter: records without it parse faster (no string to flatten).
  forEachRecord(block.bytes, decoder, spec.delimiter, false, (line, i) => {
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

/** The read kernels: the records of several read specs (a partition of one or more files). */
function readKernel(read: ReadSpec['read']): (...specs: Omit<ReadSpec, 'read'>[]) => unknown[] {
  return (...specs) => {
    const out: unknown[] = [];
    for (const s of specs) streamRead({ ...s, read }, (x) => void out.push(x));
    return out;
  };
}

/** Reads files or blocks as lines (with `includePath`, as `[line, path]` pairs). @example readText(spec) */
export const readText: (...specs: Omit<ReadSpec, 'read'>[]) => unknown[] = readKernel('text');

/** Reads files or blocks of JSON lines (blank lines skipped). @example readJson(spec) */
export const readJson: (...specs: Omit<ReadSpec, 'read'>[]) => unknown[] = readKernel('json');

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

/**
 * Writes one partition of strings, each followed by '\n' except (without `lastEndline`) the last;
 * returns `[path]` (a partition of the bag of written paths).
 *
 * @example
 * writeText(['a'], 'out/0.txt', 'none', 'utf-8', false)
 */
export function writeText(
  part: readonly unknown[],
  path: string,
  compression: Codec,
  encoding: string,
  lastEndline: boolean,
): string[] {
  for (let i = 0; i < part.length; i++) {
    if (typeof part[i] !== 'string') {
      throw new TypeError(
        `toTextFiles writes strings, but element ${i} of the partition for ${path} is ${describe(part[i])}; map the elements to strings first (for example .map((x) => JSON.stringify(x)))`,
      );
    }
  }
  const body = (part as string[]).join('\n');
  const text = lastEndline && part.length > 0 ? `${body}\n` : body;
  const bytes = encodeText(text, encoding, path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, compress(bytes, compression, path));
  } catch (err) {
    throw fileError(path, err, 'write');
  }
  return [path];
}
