// The one task model. A graph maps canonical key strings to nodes: a task (a function reference
// and its arguments) or literal data. Inside a task's arguments, `{ $ref: key }` stands for the
// value of another key and `{ $call: fn, args }` for an inline call (what `fuse` produces); both
// may sit anywhere inside nested arrays and plain objects. `{ $literal: value }` passes a value
// that must not be scanned. What each form is, and how arguments are walked, is arg-node.ts's
// alone. A task's dependencies are computed once, when it is made.
import { keyToString, type Key } from './keys.js';
import type { FunctionRef } from './functions.js';
import {
  ArgKind,
  argKind,
  mapArgs,
  visitArgs,
  type ArgMapper,
  type ArgVisitor,
} from './arg-node.js';

export { isPlainObject } from './arg-node.js';

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

/** Where the collector adds keys between walks (nothing is added there). */
const NO_KEYS = new Set<string>();

/** Adds each key a ref names to `out` (one visitor, reused: a walk never starts another). */
class DepCollector implements ArgVisitor {
  out = NO_KEYS;
  ref(key: string): void {
    this.out.add(key);
  }
}
const depCollector = new DepCollector();

/**
 * Adds every key referenced inside `value` (through nested arrays, plain objects and calls) to `out`.
 *
 * @example
 * const s = new Set<string>(); collectDeps([ref('a'), { b: ref('b') }], s); // s = {a, b}
 */
export function collectDeps(value: unknown, out: Set<string>): void {
  if (!Array.isArray(value)) {
    depCollector.out = out;
    visitArgs(value, depCollector);
    depCollector.out = NO_KEYS;
    return;
  }
  // The common case, a flat list of refs and values, item by item.
  for (let i = 0; i < value.length; i++) {
    const v = value[i] as unknown;
    if (typeof v !== 'object' || v === null) continue;
    const k = argKind(v);
    if (k === ArgKind.Ref) out.add((v as Ref).$ref);
    else if (k !== ArgKind.Value) {
      depCollector.out = out;
      visitArgs(v, depCollector);
      depCollector.out = NO_KEYS;
    }
  }
}

/**
 * Replaces references inside `value` by their values and evaluates inline calls, given a lookup
 * for keys and a resolver for function references; literals are unwrapped. Values without
 * references are returned as they are (no copy).
 *
 * @example
 * substitute([ref('a'), 1], (k) => values.get(k), resolveFn); // [valueOfA, 1]
 */
export function substitute(
  value: unknown,
  lookup: (key: string) => unknown,
  call: (fn: FunctionRef, args: unknown[]) => unknown,
): unknown {
  if (!Array.isArray(value)) return mapArgs(value, { ref: lookup, call, literal: unwrapLiteral });
  // The common case (a task's arguments: values and refs), item by item without a mapper.
  let out: unknown[] | undefined;
  let mapper: ArgMapper | undefined;
  for (let i = 0; i < value.length; i++) {
    const v = value[i] as unknown;
    if (typeof v !== 'object' || v === null) continue;
    const k = argKind(v);
    if (k === ArgKind.Value) continue;
    const r =
      k === ArgKind.Ref
        ? lookup((v as Ref).$ref)
        : mapArgs(v, (mapper ??= { ref: lookup, call, literal: unwrapLiteral }));
    if (r !== v) (out ??= value.slice())[i] = r;
  }
  return out ?? value;
}

function unwrapLiteral(node: Literal): unknown {
  return node.$literal;
}
