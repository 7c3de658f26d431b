// The one task model. A graph maps canonical key strings to nodes: a task (a function reference
// and its arguments) or literal data. Inside a task's arguments, `{ $ref: key }` stands for the
// value of another key and `{ $call: fn, args }` for an inline call (what `fuse` produces); both
// may sit anywhere inside nested arrays and plain objects. `{ $literal: value }` passes a value
// that must not be scanned. What each form is, and how arguments are walked, is arg-node.ts's
// alone. A task's dependencies are computed once, when it is made.
import { keyToString, type Key } from './keys.js';
import type { FunctionRef } from './functions.js';
import { ArgKind, argKind, collectDeps } from './arg-node.js';
import type { Placement } from './placement.js';

export { isPlainObject, collectDeps, substitute } from './arg-node.js';

/**
 * A reference to the value of another key, anywhere inside a task's arguments.
 *
 * @example
 * const r: Ref = ref('load-0'); // { $ref: 'load-0' }
 */
export interface Ref {
  readonly $ref: string;
}

/**
 * An inline function call inside a task's arguments, evaluated before the task's own function.
 *
 * @example
 * const c: Call = { $call: { kind: 'builtin', name: 'graph.identity' }, args: [ref('x')] };
 */
export interface Call {
  readonly $call: FunctionRef;
  readonly args: readonly unknown[];
}

/**
 * A value passed through unscanned: refs and calls inside it are left as they are.
 *
 * @example
 * const l: Literal = { $literal: { $ref: 'not-a-reference' } };
 */
export interface Literal {
  readonly $literal: unknown;
}

/**
 * A task: call `fn` with `args` (references replaced by values). `deps` lists the keys it reads.
 *
 * @example
 * const t: Task = task({ kind: 'builtin', name: 'graph.sum' }, [ref('a'), ref('b')]);
 */
export interface Task {
  readonly kind: 'task';
  readonly fn: FunctionRef;
  readonly args: readonly unknown[];
  readonly deps: readonly string[];
  /** Where and how often it may run (retries, worker restrictions, resources); see placement.ts. */
  readonly placement?: Placement;
}

/**
 * A literal value in the graph.
 *
 * @example
 * const d: DataNode = data([1, 2, 3]);
 */
export interface DataNode {
  readonly kind: 'data';
  readonly value: unknown;
  /** Where it may be held (`workers`; scatter's placement); see placement.ts. */
  readonly placement?: Placement;
}

/**
 * A node of a task graph.
 *
 * @example
 * const nodes: GraphNode[] = [data(1), task(fnRef, [ref('x')])];
 */
export type GraphNode = Task | DataNode;

/**
 * A task graph: canonical key strings to nodes.
 *
 * @example
 * const g: Graph = new Map<string, GraphNode>([['x', data(1)], ['y', task(inc, [ref('x')])]]);
 */
export type Graph = ReadonlyMap<string, GraphNode>;

/**
 * Makes a {@link Ref} to a key.
 *
 * @example
 * ref(['chunk', 0]); // { $ref: '["chunk",0]' }
 */
export function ref(key: Key): Ref {
  return { $ref: keyToString(key) };
}

/**
 * Makes a {@link DataNode}.
 *
 * @example
 * data({ rows: 10 });
 */
export function data(value: unknown): DataNode {
  return { kind: 'data', value };
}

/**
 * Makes a {@link Task}, scanning its arguments once for the keys it depends on.
 *
 * @example
 * task({ kind: 'module', specifier: 'node:path', exportName: 'join' }, ['a', ref('b')]);
 */
export function task(fn: FunctionRef, args: readonly unknown[]): Task {
  const deps = new Set<string>();
  collectDeps(args, deps);
  return { kind: 'task', fn, args, deps: [...deps] };
}

/**
 * Whether a value is a {@link Ref} (as {@link argKind} decides).
 *
 * @example
 * isRef({ $ref: 'x' }); // true
 */
export function isRef(value: unknown): value is Ref {
  return argKind(value) === ArgKind.Ref;
}

/**
 * Whether a value is an inline {@link Call} (as {@link argKind} decides).
 *
 * @example
 * isCall({ $call: fnRef, args: [] }); // true
 */
export function isCall(value: unknown): value is Call {
  return argKind(value) === ArgKind.Call;
}
