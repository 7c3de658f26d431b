// The shape operations as NumPy-style functions (`squeeze(x)`, `pad(x, 1)`...): the same as the
// DaskArray methods.
import { DaskArray, type ArrayValue } from './array.js';
import type { PadWidth } from './shape-more.js';

export type { PadWidth } from './shape-more.js';

type A = DaskArray<ArrayValue>;

function check(op: string, x: unknown): A {
  if (!(x instanceof DaskArray)) {
    throw new TypeError(`${op}: expected a DaskArray, got ${x === null ? 'null' : typeof x}`);
  }
  return x;
}

/** `x` without its length-1 axes (or those named). @example squeeze(x, 0) */
export function squeeze(x: A, axis?: number | readonly number[]): DaskArray {
  return check('squeeze', x).squeeze(axis);
}
/** `x` with new length-1 axes. @example expandDims(x, -1) */
export function expandDims(x: A, axis: number | readonly number[]): DaskArray {
  return check('expandDims', x).expandDims(axis);
}
/** `x` with two axes swapped. @example swapaxes(x, 0, 1) */
export function swapaxes(x: A, a: number, b: number): DaskArray {
  return check('swapaxes', x).swapaxes(a, b);
}
/** `x` with axes moved. @example moveaxis(x, [0, 1], [-1, -2]) */
export function moveaxis(
  x: A,
  source: number | readonly number[],
  destination: number | readonly number[],
): DaskArray {
  return check('moveaxis', x).moveaxis(source, destination);
}
/** `x` flattened. @example ravel(x) */
export function ravel(x: A): DaskArray {
  return check('ravel', x).ravel();
}
/** `x` reversed along axes. @example flip(x, 1) */
export function flip(x: A, axis?: number | readonly number[]): DaskArray {
  return check('flip', x).flip(axis);
}
/** `x` shifted with wrap-around. @example roll(x, -1, 0) */
export function roll(
  x: A,
  shift: number | readonly number[],
  axis?: number | readonly number[],
): DaskArray {
  return check('roll', x).roll(shift, axis);
}
/** `x` broadcast to a shape. @example broadcastTo(x, [4, 3]) */
export function broadcastTo(x: A, shape: readonly number[]): DaskArray {
  return check('broadcastTo', x).broadcastTo(shape);
}
/** Each element repeated. @example repeat(x, 3, 0) */
export function repeat(x: A, repeats: number, axis?: number): DaskArray {
  return check('repeat', x).repeat(repeats, axis);
}
/** `x` tiled. @example tile(x, 2) */
export function tile(x: A, reps: number | readonly number[]): DaskArray {
  return check('tile', x).tile(reps);
}
/** `x` padded. @example pad(x, 2, { mode: 'edge' }) */
export function pad(
  x: A,
  width: PadWidth,
  options: { readonly mode?: 'constant' | 'edge'; readonly constantValue?: number } = {},
): DaskArray {
  return check('pad', x).pad(width, options);
}
