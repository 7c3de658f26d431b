// String kernels (the `str` accessor): loops over a utf8 column's offsets and bytes. Literal
// patterns are matched as bytes (UTF-8 is self-synchronizing, so a byte match is a character
// match); lower / upper map ASCII rows byte by byte and decode only rows with other characters;
// lengths and slices count code points (bytes that are not continuation bytes). A RegExp pattern
// decodes each row, except in `contains` a chain of literals joined by `.*` (`/special.*requests/`,
// no other syntax, no flag but `s` / `u`), which is searched as bytes, literal after literal; a row
// holding a line terminator (which `.` does not match without `s`) is decoded and tested by the
// RegExp itself. `contains` first finds the rows holding its (first) literal with one native search
// over the whole column's bytes, so rows without it are never visited. Nulls stay null.
import { isValid, type Col } from './columns.js';
import type { StrFn } from './str.js';

type Utf8 = Extract<Col, { type: 'utf8' }>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growing utf8 column. @internal */
export class Utf8Builder {
  private data: Uint8Array;
  private readonly offsets: Int32Array;
  private valid: Uint8Array | undefined;
  private pos = 0;
  private row = 0;

  constructor(
    private readonly n: number,
    bytes = 64,
  ) {
    this.data = new Uint8Array(Math.max(16, bytes));
    this.offsets = new Int32Array(n + 1);
  }
  private room(k: number): void {
    if (this.pos + k <= this.data.length) return;
    const grown = new Uint8Array(Math.max(this.data.length * 2, this.pos + k));
    grown.set(this.data.subarray(0, this.pos));
    this.data = grown;
  }
  /** Appends bytes `[s, e)` of `src` to the current row (call `end` to finish the row). */
  append(src: Uint8Array, s: number, e: number): void {
    this.room(e - s);
    this.data.set(src.subarray(s, e), this.pos);
    this.pos += e - s;
  }
  /** Appends one byte to the current row. */
  byte(b: number): void {
    this.room(1);
    this.data[this.pos++] = b;
  }
  /** Appends a JS string to the current row. */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += encoder.encodeInto(s, this.data.subarray(this.pos)).written;
  }
  /** Finishes the current row. */
  end(): void {
    this.offsets[++this.row] = this.pos;
  }
  /** A null row. */
  nul(): void {
    this.valid ??= new Uint8Array((this.n + 7) >> 3).fill(0xff);
    this.valid[this.row >> 3] &= ~(1 << (this.row & 7));
    this.end();
  }
  done(): Col {
    return {
      type: 'utf8',
      length: this.n,
      offsets: this.offsets,
      data: this.data.subarray(0, this.pos),
      valid: this.valid,
    };
  }
}

/** Index of `pat` in `d[s, e)` at or after `from`, or -1. */
function indexOf(d: Uint8Array, s: number, e: number, pat: Uint8Array, from = s): number {
  const m = pat.length;
  if (m === 0) return from;
  const first = pat[0];
  outer: for (let i = from; i + m <= e; i++) {
    if (d[i] !== first) continue;
    for (let k = 1; k < m; k++) if (d[i + k] !== pat[k]) continue outer;
    return i;
  }
  return -1;
}

/** The regex syntax characters: a pattern between `.*`s free of them is a literal. */
const SYNTAX = /[\\^$.|?*+()[\]{}]/;

/**
 * The literals of a pattern that is literals joined by `.*` (as UTF-8), or undefined for any
 * other pattern, or flags other than `g`, `y`, `s` and `u` (which do not change such a match).
 */
function literalChain(pat: string, flags: string): Uint8Array[] | undefined {
  if (/[^gysu]/.test(flags)) return undefined;
  const parts = pat.split('.*');
  if (parts.some((p) => SYNTAX.test(p))) return undefined;
  return parts.filter((p) => p.length > 0).map((p) => encoder.encode(p));
}

/** Whether `d[s, e)` holds a line terminator (LF, CR, U+2028, U+2029), which `.` does not match. */
function hasLineBreak(d: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const b = d[i];
    if (b === 0x0a || b === 0x0d) return true;
    if (b === 0xe2 && d[i + 1] === 0x80 && (d[i + 2] === 0xa8 || d[i + 2] === 0xa9)) return true;
  }
  return false;
}

/**
 * The valid rows of `c` whose bytes hold `p`, in order: one native search over the column's bytes
 * (a match that crosses into the next row does not count), so rows without `p` cost nothing.
 */
function rowsContaining(c: Utf8, p: Uint8Array): Int32Array {
  const { data, offsets, valid } = c;
  const n = c.length;
  const out: number[] = [];
  if (p.length === 0) {
    for (let i = 0; i < n; i++) if (isValid(valid, i)) out.push(i);
    return Int32Array.from(out);
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const end = offsets[n];
  let row = 0;
  let from = offsets[0];
  while (from < end) {
    const at = bytes.indexOf(p, from);
    if (at < 0 || at + p.length > end) break;
    while (offsets[row + 1] <= at) row++;
    if (at + p.length <= offsets[row + 1]) {
      if (isValid(valid, row)) out.push(row);
      from = offsets[row + 1];
    } else from = at + 1;
  }
  return Int32Array.from(out);
}

/** Whether the literals occur in `d[s, e)` in order without overlapping (each leftmost). */
function chainAt(d: Uint8Array, s: number, e: number, chain: readonly Uint8Array[]): boolean {
  let at = s;
  for (const p of chain) {
    const i = indexOf(d, s, e, p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return true;
}

function matchAt(d: Uint8Array, at: number, pat: Uint8Array): boolean {
  for (let k = 0; k < pat.length; k++) if (d[at + k] !== pat[k]) return false;
  return true;
}

const isCont = (b: number): boolean => (b & 0xc0) === 0x80;

/** Byte offset of code point `cp` in `d[s, e)` (clamped to e). */
function cpOffset(d: Uint8Array, s: number, e: number, cp: number): number {
  let i = s;
  for (let c = 0; c < cp && i < e; c++) {
    i++;
    while (i < e && isCont(d[i])) i++;
  }
  return i;
}

function cpLength(d: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if (!isCont(d[i])) n++;
  return n;
}

function boolOut(c: Utf8, f: (d: Uint8Array, s: number, e: number) => boolean): Col {
  const values = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) {
    if (isValid(c.valid, i) && f(c.data, c.offsets[i], c.offsets[i + 1])) values[i] = 1;
  }
  return { type: 'bool', length: c.length, values, valid: c.valid };
}

function mapRows(c: Utf8, f: (b: Utf8Builder, d: Uint8Array, s: number, e: number) => void): Col {
  const b = new Utf8Builder(c.length, c.offsets[c.length] - c.offsets[0]);
  for (let i = 0; i < c.length; i++) {
    if (!isValid(c.valid, i)) b.nul();
    else f(b, c.data, c.offsets[i], c.offsets[i + 1]);
  }
  return b.done();
}

function caseMap(c: Utf8, upper: boolean): Col {
  const lo = upper ? 0x61 : 0x41;
  const hi = upper ? 0x7a : 0x5a;
  return mapRows(c, (b, d, s, e) => {
    let ascii = true;
    for (let k = s; k < e; k++) if (d[k] >= 0x80) ascii = false;
    if (ascii) {
      for (let k = s; k < e; k++) {
        const x = d[k];
        b.byte(x >= lo && x <= hi ? x ^ 0x20 : x);
      }
    } else {
      const str = decoder.decode(d.subarray(s, e));
      b.text(upper ? str.toUpperCase() : str.toLowerCase());
    }
    b.end();
  });
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** Evaluates a string function on a utf8 column. @internal */
export function strCol(fn: StrFn, col: Col, args: readonly unknown[]): Col {
  const c = col as Utf8;
  switch (fn) {
    case 'contains': {
      const [pat, flags, regex] = args as [string, string, boolean];
      if (regex) {
        const re = new RegExp(pat, flags.replace(/[gy]/g, ''));
        const chain = literalChain(pat, flags);
        if (chain === undefined || chain.length === 0)
          return boolOut(c, (d, s, e) => re.test(decoder.decode(d.subarray(s, e))));
        // Only the rows holding the first literal can match; the others are not looked at.
        const rows = rowsContaining(c, chain[0]);
        const dotAll = re.dotAll;
        const values = new Uint8Array(c.length);
        for (const i of rows) {
          const [s, e] = [c.offsets[i], c.offsets[i + 1]];
          if (!chainAt(c.data, s, e, chain)) continue;
          if (
            dotAll ||
            !hasLineBreak(c.data, s, e) ||
            re.test(decoder.decode(c.data.subarray(s, e)))
          )
            values[i] = 1;
        }
        return { type: 'bool', length: c.length, values, valid: c.valid };
      }
      const values = new Uint8Array(c.length);
      for (const i of rowsContaining(c, encoder.encode(pat))) values[i] = 1;
      return { type: 'bool', length: c.length, values, valid: c.valid };
    }
    case 'startsWith': {
      const p = encoder.encode(args[0] as string);
      return boolOut(c, (d, s, e) => e - s >= p.length && matchAt(d, s, p));
    }
    case 'endsWith': {
      const p = encoder.encode(args[0] as string);
      return boolOut(c, (d, s, e) => e - s >= p.length && matchAt(d, e - p.length, p));
    }
    case 'lower':
      return caseMap(c, false);
    case 'upper':
      return caseMap(c, true);
    case 'len': {
      const values = new Int32Array(c.length);
      for (let i = 0; i < c.length; i++)
        values[i] = cpLength(c.data, c.offsets[i], c.offsets[i + 1]);
      return { type: 'int32', length: c.length, values, valid: c.valid };
    }
    case 'strip':
      return mapRows(c, (b, d, s, e) => {
        while (s < e && SPACE.has(d[s])) s++;
        while (e > s && SPACE.has(d[e - 1])) e--;
        b.append(d, s, e);
        b.end();
      });
    case 'replace': {
      const [pat, flags, regex, repl] = args as [string, string, boolean, string];
      if (regex) {
        const re = new RegExp(pat, flags);
        return mapRows(c, (b, d, s, e) => {
          b.text(decoder.decode(d.subarray(s, e)).replace(re, repl));
          b.end();
        });
      }
      const p = encoder.encode(pat);
      const r = encoder.encode(repl);
      return mapRows(c, (b, d, s, e) => {
        let from = s;
        for (let at = indexOf(d, s, e, p); at >= 0; at = indexOf(d, s, e, p, from)) {
          b.append(d, from, at);
          b.append(r, 0, r.length);
          from = at + p.length;
        }
        b.append(d, from, e);
        b.end();
      });
    }
    case 'slice': {
      const [start, stop] = args as [number, number | null];
      return mapRows(c, (b, d, s, e) => {
        const len = start < 0 || (stop !== null && stop < 0) ? cpLength(d, s, e) : 0;
        const norm = (x: number): number => (x < 0 ? Math.max(0, len + x) : x);
        const a = norm(start);
        const z = stop === null ? Infinity : norm(stop);
        if (z > a) {
          const bs = cpOffset(d, s, e, a);
          const be = z === Infinity ? e : cpOffset(d, bs, e, z - a);
          b.append(d, bs, be);
        }
        b.end();
      });
    }
    case 'split': {
      const [sep, part] = args as [string, number];
      const p = encoder.encode(sep);
      return mapRows(c, (b, d, s, e) => {
        const cuts: number[] = [s];
        for (let at = indexOf(d, s, e, p); at >= 0; at = indexOf(d, s, e, p, at + p.length)) {
          cuts.push(at + p.length);
        }
        const k = part < 0 ? cuts.length + part : part;
        if (k < 0 || k >= cuts.length) return b.nul();
        const ps = cuts[k];
        const pe = k + 1 < cuts.length ? cuts[k + 1] - p.length : e;
        b.append(d, ps, pe);
        b.end();
      });
    }
  }
}
