// The kernel of row-wise steps that use lazy scalars (scalar-steps.ts plans them): the values of
// the scalars, computed by the tasks this one depends on, replace their placeholders as literals,
// then the steps run as `pipe` runs them. Policy: a scalar stands in an expression as a float64
// number (even when its value is integral, so the output types are those typed when the
// expression was built); a null (or missing) value is a null of that type; any other value is an
// error naming the scalar's key.
import type { Table } from 'apache-arrow';
import { colsOf, tableOf } from './columns.js';
import type { ExprSpec } from './expr.js';
import { applySteps, type Step } from './steps.js';

function literalOf(key: string, value: unknown): ExprSpec {
  if (typeof value === 'number') return { k: 'lit', value, float: true };
  if (value === null || value === undefined) return { k: 'null', type: 'float64' };
  throw new TypeError(
    `the lazy scalar '${key}' computed to ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not a number, so no expression can use it`,
  );
}

/** `spec` with every scalar placeholder replaced by its value. */
function substitute(spec: ExprSpec, values: ReadonlyMap<string, ExprSpec>): ExprSpec {
  if (spec.k === 'scalar') {
    const v = values.get(spec.key);
    if (v === undefined) throw new Error(`pipeScalars: no value was given for '${spec.key}'`);
    return v;
  }
  let out: Record<string, unknown> | undefined;
  for (const [field, x] of Object.entries(spec)) {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || !('k' in x)) continue;
    const y = substitute(x as ExprSpec, values);
    if (y !== x) (out ??= { ...spec })[field] = y;
  }
  return (out as ExprSpec | undefined) ?? spec;
}

function substituteStep(step: Step, values: ReadonlyMap<string, ExprSpec>): Step {
  return step.op === 'filter' || step.op === 'assign'
    ? { ...step, expr: substitute(step.expr, values) }
    : step;
}

/** The kernels of this file. @internal */
export const scalarStepKernels = {
  /** `steps` over partition `t`, the scalars `keys` having the values `values`. */
  pipeScalars: (
    t: Table,
    steps: readonly Step[],
    keys: readonly string[],
    ...values: unknown[]
  ): Table => {
    const lits = new Map(keys.map((k, i) => [k, literalOf(k, values[i])]));
    const run = steps.map((s) => substituteStep(s, lits));
    return tableOf(applySteps(colsOf(t), run, t.numRows));
  },
};
