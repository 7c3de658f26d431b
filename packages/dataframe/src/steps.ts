// Row-wise steps: select, assign, filter, rename, drop. A chain of them runs in one task per
// partition (the optimizer fuses them, fusion.ts); each step's output schema is derived when it is
// built, and `pruneSteps` (fusion.ts) walks a chain backwards to find the input columns it reads, which the
// optimizer pushes into readers.
import type { ExprSpec } from './expr.js';
import { evalExpr } from './eval.js';
import { isValid, type Col, type Cols } from './columns.js';

/** One row-wise step, as data. @internal */
export type Step =
  | { readonly op: 'select'; readonly cols: readonly string[] }
  | { readonly op: 'assign'; readonly name: string; readonly expr: ExprSpec }
  | { readonly op: 'filter'; readonly expr: ExprSpec }
  | { readonly op: 'rename'; readonly map: readonly (readonly [string, string])[] }
  | { readonly op: 'drop'; readonly cols: readonly string[] };

/** Rows `idx` of a column. @internal */
export function take(c: Col, idx: Int32Array): Col {
  const n = idx.length;
  let valid: Uint8Array | undefined;
  if (c.valid !== undefined) {
    valid = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (isValid(c.valid, idx[i])) valid[i >> 3] |= 1 << (i & 7);
  }
  if (c.type === 'utf8') {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += c.offsets[idx[i] + 1] - c.offsets[idx[i]];
    const data = new Uint8Array(bytes);
    const offsets = new Int32Array(n + 1);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const s = c.offsets[idx[i]];
      const e = c.offsets[idx[i] + 1];
      data.set(c.data.subarray(s, e), pos);
      pos += e - s;
      offsets[i + 1] = pos;
    }
    return { type: 'utf8', length: n, offsets, data, valid };
  }
  const src = c.values;
  const values = new (src.constructor as new (n: number) => typeof src)(n);
  for (let i = 0; i < n; i++) values[i] = src[idx[i]]!;
  return { ...c, length: n, values, valid } as Col;
}

/** The first `n` rows of a column (a view where possible). @internal */
export function slice(c: Col, n: number): Col {
  if (n >= c.length) return c;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return take(c, idx);
}

function rowsOf(cols: Cols): number {
  for (const c of cols.values()) return c.length;
  return 0;
}

/** Applies steps to a partition's columns. @internal */
export function applySteps(
  input: Cols,
  steps: readonly Step[],
  rows = rowsOf(input),
): Map<string, Col> {
  let cols = new Map(input);
  let n = rows;
  for (const s of steps) {
    switch (s.op) {
      case 'select': {
        const out = new Map<string, Col>();
        for (const name of s.cols) {
          const c = cols.get(name);
          if (c === undefined) throw new Error(`select: no column '${name}' in the partition`);
          out.set(name, c);
        }
        cols = out;
        break;
      }
      case 'assign':
        cols.set(s.name, evalExpr(s.expr, cols, n));
        break;
      case 'filter': {
        const cond = evalExpr(s.expr, cols, n) as Extract<Col, { type: 'bool' }>;
        let kept = 0;
        for (let i = 0; i < n; i++) if (cond.values[i] && isValid(cond.valid, i)) kept++;
        if (kept === n) break;
        const idx = new Int32Array(kept);
        for (let i = 0, j = 0; i < n; i++)
          if (cond.values[i] && isValid(cond.valid, i)) idx[j++] = i;
        const out = new Map<string, Col>();
        for (const [name, c] of cols) out.set(name, take(c, idx));
        cols = out;
        n = kept;
        break;
      }
      case 'rename': {
        const map = new Map(s.map);
        const out = new Map<string, Col>();
        for (const [name, c] of cols) out.set(map.get(name) ?? name, c);
        cols = out;
        break;
      }
      case 'drop':
        for (const name of s.cols) cols.delete(name);
        break;
    }
  }
  return cols;
}
