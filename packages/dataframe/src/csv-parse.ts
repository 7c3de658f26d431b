// Our CSV parser: bytes straight into typed columns. Numbers are parsed from the bytes (the exact
// fast path: up to 15 significant digits and a power of ten up to 22, one correctly rounded
// division; anything else goes through `Number`), strings are copied as UTF-8 bytes into a utf8
// column (offsets + data), an empty field is null. Quoted fields may hold commas, newlines and
// doubled quotes. Columns that are not wanted are skipped without being parsed. A block owns the
// rows that START inside it (as Dask's blocks do): readBlock reads on to the end of its last row.
// Dates and timestamps are parsed from ISO 8601 bytes (kernels-dt.ts); a date32 keeps the day.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DType } from './dtypes.js';
import { valuesCtor, type Col, type Utf8Col } from './columns.js';
import { encodeCategory } from './columns-cat.js';
import { DAY_MS, parseDateBytes } from './kernels-dt.js';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Bytes that end an unquoted field: comma, LF, CR. */
const STOP = new Uint8Array(256);
STOP[COMMA] = STOP[LF] = STOP[CR] = 1;
/** How a builder stores a field (a number: one cheap switch per field). */
const K_UTF8 = 0;
const K_BOOL = 1;
const K_DATE = 2;
const K_TIMESTAMP = 3;
const K_INT = 4;
const K_FLOAT = 5;
const KINDS: Partial<Record<DType, number>> = {
  utf8: K_UTF8,
  bool: K_BOOL,
  date32: K_DATE,
  timestamp: K_TIMESTAMP,
  int32: K_INT,
};
const decoder = new TextDecoder();

/** A growable column under construction. */
class Builder {
  length = 0;
  nums: Float64Array | Int32Array | Uint8Array;
  offsets: Int32Array;
  data = new Uint8Array(0);
  bytes = 0;
  valid: Uint8Array | undefined;
  readonly kind: number;

  constructor(
    readonly type: DType,
    readonly name: string,
    cap: number,
  ) {
    this.kind = KINDS[type] ?? K_FLOAT;
    this.nums = new (valuesCtor(type === 'utf8' ? 'bool' : type))(cap);
    this.offsets = new Int32Array(type === 'utf8' ? cap + 1 : 0);
    if (type === 'utf8') this.data = new Uint8Array(cap * 8);
  }

  private grow(): void {
    const cap = this.nums.length * 2 + 16;
    const nums = new (this.nums.constructor as new (n: number) => typeof this.nums)(cap);
    nums.set(this.nums);
    this.nums = nums;
    if (this.type === 'utf8') {
      const o = new Int32Array(cap + 1);
      o.set(this.offsets);
      this.offsets = o;
    }
    if (this.valid !== undefined) {
      const v = new Uint8Array((cap + 7) >> 3).fill(0xff);
      v.set(this.valid);
      this.valid = v;
    }
  }

  pushNull(): void {
    if (this.length === this.nums.length) this.grow();
    const i = this.length;
    this.valid ??= new Uint8Array((this.nums.length + 7) >> 3).fill(0xff);
    this.valid[i >> 3] &= ~(1 << (i & 7));
    if (this.type === 'utf8') this.offsets[i + 1] = this.bytes;
    this.length++;
  }

  pushNumber(x: number): void {
    if (this.length === this.nums.length) this.grow();
    this.nums[this.length++] = x;
  }

  pushBytes(src: Uint8Array, s: number, e: number, unescape: boolean): void {
    if (this.length === this.nums.length) this.grow();
    const need = this.bytes + (e - s);
    if (need > this.data.length) {
      const d = new Uint8Array(Math.max(need, this.data.length * 2));
      d.set(this.data.subarray(0, this.bytes));
      this.data = d;
    }
    const data = this.data;
    if (unescape) {
      for (let k = s; k < e; k++) {
        data[this.bytes++] = src[k]!;
        if (src[k] === QUOTE) k++; // "" -> "
      }
    } else if (e - s <= 64) {
      // Short fields (most of them): a plain loop beats making a subarray to copy from.
      let at = this.bytes;
      for (let k = s; k < e; k++) data[at++] = src[k]!;
      this.bytes = at;
    } else {
      data.set(src.subarray(s, e), this.bytes);
      this.bytes += e - s;
    }
    this.offsets[++this.length] = this.bytes;
  }

  finish(): Col {
    const n = this.length;
    const valid = this.valid?.subarray(0, (n + 7) >> 3);
    if (this.type === 'utf8') {
      return {
        type: 'utf8',
        length: n,
        offsets: this.offsets.subarray(0, n + 1),
        data: this.data.subarray(0, this.bytes),
        valid,
      };
    }
    return { type: this.type, length: n, values: this.nums.subarray(0, n), valid } as Col;
  }
}

/** Parses a number from bytes [s, e); NaN when they are not one. @internal */
export function parseNumber(b: Uint8Array, s: number, e: number): number {
  let i = s;
  while (i < e && b[i] === 32) i++;
  while (e > i && b[e - 1] === 32) e--;
  let neg = false;
  if (b[i] === 45 || b[i] === 43) {
    neg = b[i] === 45;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  let any = false;
  while (i < e && b[i] >= 48 && b[i] <= 57) {
    m = m * 10 + (b[i] - 48);
    if (m !== 0) digits++;
    any = true;
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e && b[i] >= 48 && b[i] <= 57) {
      m = m * 10 + (b[i] - 48);
      if (m !== 0) digits++;
      frac++;
      any = true;
      i++;
    }
  }
  if (any && i === e && digits <= 15 && frac <= 22) {
    const v = frac === 0 ? m : m / POW10[frac];
    return neg ? -v : v;
  }
  if (!any && i !== e) {
    // inf, nan and friends: leave them to Number (which refuses words).
  }
  const text = decoder.decode(b.subarray(s, e)).trim();
  if (text === '') return NaN;
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const v = Number(text);
  return v;
}

/** Whether bytes [s, e) spell a number (for type inference). @internal */
export function isNumberText(b: Uint8Array, s: number, e: number): boolean {
  if (!Number.isNaN(parseNumber(b, s, e))) return true;
  return decoder.decode(b.subarray(s, e)).trim().toLowerCase() === 'nan';
}

/**
 * What to parse: the file's column count, for each file column its output slot (or -1 to skip
 * it), each slot's name and type, and a description of the block for errors. @internal
 */
export interface ParsePlan {
  readonly ncols: number;
  readonly slots: readonly number[];
  readonly names: readonly string[];
  readonly types: readonly DType[];
  readonly where: string;
}

/**
 * Parses the rows that start in [begin, limit) of `b` (the last may run past `limit`) into
 * columns, at most `maxRows` of them. @internal
 */
export function parseRows(
  b: Uint8Array,
  begin: number,
  limit: number,
  plan: ParsePlan,
  maxRows = Infinity,
): Col[] {
  const cap = Math.max(16, Math.ceil((limit - begin) / Math.max(4, plan.ncols * 4)));
  // A category column is parsed as utf8 and encoded at the end.
  const builders = plan.names.map(
    (n, i) => new Builder(plan.types[i] === 'category' ? 'utf8' : plan.types[i], n, cap),
  );
  const end = b.length;
  let i = begin;
  let row = 0;
  while (i < limit && i < end && row < maxRows) {
    // A blank line (or a lone \r\n) is skipped.
    if (b[i] === LF) {
      i++;
      continue;
    }
    if (b[i] === CR && b[i + 1] === LF) {
      i += 2;
      continue;
    }
    let j = 0;
    for (;;) {
      let s = i;
      let e: number;
      let quoted = false;
      let escaped = false;
      if (b[i] === QUOTE) {
        quoted = true;
        s = ++i;
        for (;;) {
          if (i >= end)
            throw new Error(`${plan.where}: a quoted field of row ${row + 1} is not closed`);
          if (b[i] === QUOTE) {
            if (b[i + 1] === QUOTE) {
              escaped = true;
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        e = i++;
        while (i < end && STOP[b[i]] === 0) i++;
      } else {
        while (i < end && STOP[b[i]] === 0) i++;
        e = i;
      }
      const slot = j < plan.ncols ? plan.slots[j] : -2;
      if (slot === -2) {
        throw new Error(`${plan.where}: row ${row + 1} has more than ${plan.ncols} fields`);
      }
      if (slot >= 0) store(builders[slot], b, s, e, quoted, escaped, plan.where, row);
      j++;
      if (i < end && b[i] === COMMA) {
        i++;
        continue;
      }
      if (i < end && b[i] === CR) i++;
      if (i < end && b[i] === LF) i++;
      break;
    }
    // Missing trailing fields are null.
    for (; j < plan.ncols; j++) {
      const slot = plan.slots[j];
      if (slot >= 0) builders[slot].pushNull();
    }
    row++;
  }
  return builders.map((x, k) => {
    const c = x.finish();
    return plan.types[k] === 'category' ? encodeCategory(c as Utf8Col) : c;
  });
}

function store(
  bl: Builder,
  b: Uint8Array,
  s: number,
  e: number,
  quoted: boolean,
  escaped: boolean,
  where: string,
  row: number,
): void {
  const kind = bl.kind;
  if (s === e && !(quoted && kind === K_UTF8)) {
    bl.pushNull();
    return;
  }
  switch (kind) {
    case K_UTF8:
      bl.pushBytes(b, s, e, escaped);
      return;
    case K_BOOL: {
      const c = b[s] | 0x20;
      if (c === 116 || b[s] === 49)
        bl.pushNumber(1); // t, 1
      else if (c === 102 || b[s] === 48)
        bl.pushNumber(0); // f, 0
      else throw badValue(bl, b, s, e, where, row);
      return;
    }
    case K_DATE:
    case K_TIMESTAMP: {
      const ms = parseDateBytes(b, s, e);
      if (Number.isNaN(ms)) throw badValue(bl, b, s, e, where, row);
      bl.pushNumber(kind === K_DATE ? Math.floor(ms / DAY_MS) : ms);
      return;
    }
    default: {
      const v = parseNumber(b, s, e);
      if (v !== v && !isNumberText(b, s, e)) throw badValue(bl, b, s, e, where, row);
      if (kind === K_INT && v !== (v | 0)) throw badValue(bl, b, s, e, where, row);
      bl.pushNumber(v);
    }
  }
}

function badValue(
  bl: Builder,
  b: Uint8Array,
  s: number,
  e: number,
  where: string,
  row: number,
): Error {
  const text = decoder.decode(b.subarray(s, Math.min(e, s + 40)));
  const hint =
    bl.type === 'date32' || bl.type === 'timestamp'
      ? `dates are read as ISO 8601 ('2024-03-01' or '2024-03-01 12:30:00'); read the column as { dtype: { '${bl.name}': 'utf8' } }`
      : `pass readCsv(..., { dtype: { '${bl.name}': 'utf8' } }) (or 'float64')`;
  return new TypeError(
    `${where}: column '${bl.name}' is ${bl.type} but row ${row + 1} holds ${JSON.stringify(text)}; ${hint}`,
  );
}

/**
 * The bytes of a file from the first row that starts at or after `start` to the end of the last
 * row that starts before `end`, as `[bytes, begin, limit]`: rows start in [begin, limit). @internal
 */
export function readBlock(path: string, start: number, end: number): [Uint8Array, number, number] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(0, start - 1);
    const stop = Math.min(end, size);
    if (stop <= from) return [new Uint8Array(0), 0, 0];
    const parts: Uint8Array[] = [];
    let total = 0;
    const head = new Uint8Array(stop - from);
    total += readSync(fd, head, 0, head.length, from);
    parts.push(head);
    // Read on to the end of the last row (unless the block ends just after a newline).
    let pos = stop;
    if (head[head.length - 1] !== LF) {
      for (;;) {
        if (pos >= size) break;
        const chunk = new Uint8Array(Math.min(1 << 16, size - pos));
        const got = readSync(fd, chunk, 0, chunk.length, pos);
        if (got === 0) break;
        const nl = chunk.subarray(0, got).indexOf(LF);
        parts.push(chunk.subarray(0, nl < 0 ? got : nl + 1));
        total += nl < 0 ? got : nl + 1;
        pos += got;
        if (nl >= 0) break;
      }
    }
    const bytes = parts.length === 1 ? head : new Uint8Array(total);
    if (parts.length > 1) {
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
    }
    let begin = 0;
    if (start > 0) {
      const nl = bytes.indexOf(LF);
      begin = nl < 0 ? bytes.length : nl + 1;
    }
    return [bytes, begin, stop - from];
  } finally {
    closeSync(fd);
  }
}

/** The end of the first row of `b` from `i` (past its newline), honouring quotes. @internal */
export function endOfRow(b: Uint8Array, i: number): number {
  let quoted = false;
  for (; i < b.length; i++) {
    if (b[i] === QUOTE) quoted = !quoted;
    else if (b[i] === LF && !quoted) return i + 1;
  }
  return i;
}
