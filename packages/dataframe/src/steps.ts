// Row-wise steps: select, assign, filter, rename, drop. A chain of them runs in one task per
// partition (the optimizer fuses them, fusion.ts); each step's output schema is derived when it is
// built, and `pruneSteps` (fusion.ts) walks a chain backwards to find the input columns it reads, which the
// optimizer pushes into readers.
import { columnsOf, type ExprSpec } from './expr.js';
import { evalExpr } from './eval.js';
import { filterRows } from './eval-filter.js';
import type { Col, Cols } from './columns.js';
import { take } from './take.js';

/** One row-wise step, as data. @internal */
export type Step =
  | { readonly op: 'select'; readonly cols: readonly string[] }
  | { readonly op: 'assign'; readonly name: string; readonly expr: ExprSpec }
  | { readonly op: 'filter'; readonly expr: ExprSpec }
  | { readonly op: 'rename'; readonly map: readonly (readonly [string, string])[] }
  | { readonly op: 'drop'; readonly cols: readonly string[] };

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

/**
 * For each step, the columns the steps after it read, when a later select bounds them
 * (undefined: every column may be read). @internal
 */
export function liveAfter(steps: readonly Step[]): (ReadonlySet<string> | undefined)[] {
  const out: (ReadonlySet<string> | undefined)[] = new Array(steps.length);
  let live: Set<string> | undefined;
  for (let i = steps.length - 1; i >= 0; i--) {
    out[i] = live === undefined ? undefined : new Set(live);
    const s = steps[i];
    if (s.op === 'select') live = new Set(s.cols);
    else if (live === undefined) continue;
    else if (s.op === 'assign') {
      live.delete(s.name);
      columnsOf(s.expr, live);
    } else if (s.op === 'filter') columnsOf(s.expr, live);
    else if (s.op === 'rename') {
      const back = new Map(s.map.map(([a, b]) => [b, a]));
      live = new Set([...live].map((c) => back.get(c) ?? c));
    }
  }
  return out;
}

/** Applies steps to a partition's columns. @internal */
export function applySteps(
  input: Cols,
  steps: readonly Step[],
  rows = rowsOf(input),
): Map<string, Col> {
  let cols = new Map(input);
  let n = rows;
  const live = liveAfter(steps);
  for (const [k, s] of steps.entries()) {
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
        const idx = filterRows(s.expr, cols, n);
        if (idx === undefined) break;
        const kept = idx.length;
        const out = new Map<string, Col>();
        // Columns no later step reads are dropped here rather than filtered.
        const keep = live[k];
        for (const [name, c] of cols)
          if (keep === undefined || keep.has(name)) out.set(name, take(c, idx));
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
