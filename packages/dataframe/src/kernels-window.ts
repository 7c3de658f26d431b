// Kernels of the window operations (window.ts plans them). A partition's answer depends on rows of
// its neighbours, passed along a chain of small "carry" values: for shift / diff / rolling the
// last (or, shifting backwards, first) k rows of the chosen columns seen so far, for cumulative
// operations the running sum / product / max / min. Each partition then computes its own rows from
// its table and the carry, on typed arrays. Nulls (and NaN) are skipped by cumulative operations
// (the row stays null), make a rolling window incomplete, and a shift fills with nulls.
import type { Table } from 'apache-arrow';
import { colsOf, concatCols, emptyCol, tableOf, type Col } from './columns.js';
import type { DType } from './dtypes.js';
import { takeOrNull } from './kernels-agg.js';
import { present } from './kernels-ops.js';

/** A window operation, as data. @internal */
export type WindowSpec =
  | { readonly op: 'shift' | 'diff'; readonly cols: readonly string[]; readonly periods: number }
  | { readonly op: 'cum'; readonly cols: readonly string[]; readonly how: CumHow }
  | {
      readonly op: 'rolling';
      readonly cols: readonly string[];
      readonly window: number;
      readonly minPeriods: number;
      readonly how: RollHow;
    };

/** Cumulative operations. @internal */
export type CumHow = 'sum' | 'prod' | 'max' | 'min';
/** Rolling aggregations. @internal */
export type RollHow = 'sum' | 'mean' | 'min' | 'max' | 'count';

/** How many neighbouring rows a partition needs, and from which side. @internal */
export function reach(spec: WindowSpec): { rows: number; before: boolean } {
  if (spec.op === 'rolling') return { rows: spec.window - 1, before: true };
  if (spec.op === 'cum') return { rows: 0, before: true };
  return { rows: Math.abs(spec.periods), before: spec.periods >= 0 };
}

type Carry = Table | Readonly<Record<string, number | null>> | null;

function rows(
  cols: ReadonlyMap<string, Col>,
  names: readonly string[],
  from: number,
  to: number,
): Map<string, Col> {
  const idx = Int32Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  return new Map(names.map((n) => [n, takeOrNull(cols.get(n)!, idx)]));
}

function joinCols(
  a: ReadonlyMap<string, Col> | undefined,
  b: ReadonlyMap<string, Col>,
  names: readonly string[],
): Map<string, Col> {
  if (a === undefined) return new Map(names.map((n) => [n, b.get(n)!]));
  return new Map(names.map((n) => [n, concatCols([a.get(n)!, b.get(n)!], b.get(n)!.type)]));
}

function cumStep(how: CumHow, acc: number | null, x: number): number {
  if (acc === null) return x;
  switch (how) {
    case 'sum':
      return acc + x;
    case 'prod':
      return acc * x;
    case 'max':
      return x > acc ? x : acc;
    case 'min':
      return x < acc ? x : acc;
  }
}

/** The carry after one more partition. @internal */
export function nextCarry(spec: WindowSpec, prev: Carry, t: Table): Carry {
  const cols = colsOf(t);
  if (spec.op === 'cum') {
    const out: Record<string, number | null> = {};
    for (const name of spec.cols) {
      let acc = (prev as Record<string, number | null> | null)?.[name] ?? null;
      const c = cols.get(name)! as Exclude<Col, { type: 'utf8' }>;
      for (let i = 0; i < c.length; i++)
        if (present(c, i)) acc = cumStep(spec.how, acc, c.values[i]);
      out[name] = acc;
    }
    return out;
  }
  const { rows: k, before } = reach(spec);
  const prevCols = prev === null ? undefined : colsOf(prev as Table);
  const all = before
    ? joinCols(prevCols, cols, spec.cols)
    : joinCols(cols, prevCols ?? cols, spec.cols);
  const useOwn = !before && prevCols === undefined;
  const src = useOwn ? new Map(spec.cols.map((n) => [n, cols.get(n)!])) : all;
  const n = src.get(spec.cols[0])?.length ?? 0;
  return tableOf(
    before ? rows(src, spec.cols, Math.max(0, n - k), n) : rows(src, spec.cols, 0, Math.min(k, n)),
  );
}

function shifted(c: Col, extra: Col | undefined, periods: number): Col {
  // Rows of [extra ++ c] (periods > 0) or [c ++ extra] (periods < 0), offset by periods.
  const n = c.length;
  const before = periods >= 0;
  const ext = extra ?? emptyCol(c.type);
  const all = before ? concatCols([ext, c], c.type) : concatCols([c, ext], c.type);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = before ? i + ext.length - periods : i - periods;
    idx[i] = j >= 0 && j < all.length ? j : -1;
  }
  return takeOrNull(all, idx);
}

function asFloat(c: Col): Float64Array {
  const out = new Float64Array(c.length);
  const v = (c as Exclude<Col, { type: 'utf8' }>).values;
  for (let i = 0; i < c.length; i++) out[i] = present(c, i) ? v[i] : NaN;
  return out;
}

function floatCol(values: Float64Array): Col {
  let valid: Uint8Array | undefined;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    valid ??= new Uint8Array((values.length + 7) >> 3).fill(0xff);
    valid[i >> 3] &= ~(1 << (i & 7));
  }
  return { type: 'float64', length: values.length, values, valid };
}

function rolling(
  x: Float64Array,
  from: number,
  w: number,
  minPeriods: number,
  how: RollHow,
): Float64Array {
  const n = x.length - from;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const end = from + i + 1;
    const start = Math.max(0, end - w);
    let cnt = 0;
    let sum = 0;
    let mn = Infinity;
    let mx = -Infinity;
    for (let j = start; j < end; j++) {
      const v = x[j];
      if (Number.isNaN(v)) continue;
      cnt++;
      sum += v;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    if (how === 'count') out[i] = cnt;
    else if (cnt < minPeriods || cnt === 0) out[i] = NaN;
    else out[i] = how === 'sum' ? sum : how === 'mean' ? sum / cnt : how === 'min' ? mn : mx;
  }
  return out;
}

/** One partition of a window operation. @internal */
export function windowPart(spec: WindowSpec, t: Table, carry: Carry): Table {
  const cols = colsOf(t);
  const out = new Map(cols);
  const extra = carry === null || spec.op === 'cum' ? undefined : colsOf(carry as Table);
  for (const name of spec.cols) {
    const c = cols.get(name)!;
    switch (spec.op) {
      case 'shift':
        out.set(name, shifted(c, extra?.get(name), spec.periods));
        break;
      case 'diff': {
        const prev = asFloat(shifted(c, extra?.get(name), spec.periods));
        const x = asFloat(c);
        const d = new Float64Array(c.length);
        for (let i = 0; i < d.length; i++) d[i] = x[i] - prev[i];
        out.set(name, floatCol(d));
        break;
      }
      case 'cum': {
        let acc = (carry as Record<string, number | null> | null)?.[name] ?? null;
        const x = asFloat(c);
        const values = new Float64Array(c.length);
        for (let i = 0; i < x.length; i++) {
          if (Number.isNaN(x[i])) values[i] = NaN;
          else values[i] = acc = cumStep(spec.how, acc, x[i]);
        }
        const res = floatCol(values);
        out.set(name, spec.how === 'max' || spec.how === 'min' ? castBack(res, c.type) : res);
        break;
      }
      case 'rolling': {
        const prev = extra?.get(name);
        const all = prev === undefined ? c : concatCols([prev, c], c.type);
        const r = rolling(
          asFloat(all),
          all.length - c.length,
          spec.window,
          spec.minPeriods,
          spec.how,
        );
        out.set(name, floatCol(r));
        break;
      }
    }
  }
  return tableOf(out);
}

function castBack(c: Col, type: DType): Col {
  if (type !== 'int32') return c;
  const v = (c as Extract<Col, { type: 'float64' }>).values;
  return {
    type: 'int32',
    length: c.length,
    values: Int32Array.from(v, (x) => (Number.isNaN(x) ? 0 : x)),
    valid: c.valid,
  };
}

/** The kernels of this file. @internal */
export const windowKernels = {
  windowCarry: nextCarry,
  windowPart,
};
