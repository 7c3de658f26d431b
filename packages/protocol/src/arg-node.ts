// The one walker of the argument language. A task's arguments are values in which four forms are
// read: `{ $ref: key }` (the value of another key), `{ $call: fn, args }` (an inline call, its
// `args` an array), `{ $literal: value }` (a value passed through unscanned), and the containers
// that are scanned for them: arrays and plain objects. Everything else — primitives, functions,
// class instances (Map, Date, typed arrays, a user's classes) — is a value, never looked into.
// `argKind` makes that decision, and it is made nowhere else: a plain object is one whose
// prototype is null or some realm's `Object.prototype` (see `isPlainObject`); only a plain object
// can be a ref, a call or a literal, so a class instance with a `$ref` field is a value. A `$call`
// whose `args` is not an array is an ordinary object.
//
// `visitArgs` (in order, stoppable) and `mapArgs` (copy-on-write) recurse over the first `SHALLOW`
// levels (the common, cheap case) and walk anything deeper with an explicit stack, so arguments
// nested a million levels deep cannot overflow the call stack; past `GUARD` levels of that stack
// they remember the containers on the path, so a circular argument ends instead of looping.
// The two walks every task needs are here too: `collectDeps` (a task's dependencies, when it is
// made) and `substitute` (its arguments, when it runs), each taking a flat list item by item.
import type { FunctionRef } from './functions.js';
import type { Call, Literal, Ref } from './task.js';

/**
 * The kinds of argument nodes, as small integers (cheap to compare on hot paths).
 *
 * @example
 * if (argKind(x) === ArgKind.Ref) use((x as Ref).$ref);
 */
export const ArgKind = {
  /** Anything not scanned: primitives, functions, class instances, and nothing inside them. */
  Value: 0,
  /** `{ $ref: key }`. */
  Ref: 1,
  /** `{ $call: fn, args: [...] }`. */
  Call: 2,
  /** `{ $literal: value }`. */
  Literal: 3,
  /** An array, scanned item by item. */
  Array: 4,
  /** A plain object that is none of the above, scanned key by key. */
  Object: 5,
} as const;

/**
 * One of the {@link ArgKind} values.
 *
 * @example
 * const k: ArgKind = argKind([1]); // ArgKind.Array
 */
export type ArgKind = (typeof ArgKind)[keyof typeof ArgKind];

/**
 * Whether a value is a plain object (created by a literal or `Object.create(null)`); only arrays
 * and plain objects are scanned for references.
 *
 * @example
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new Map()); // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  // Realm-independent: a plain object's prototype is null or some realm's Object.prototype.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/**
 * What an argument node is: the one decision of the argument language (see the file comment).
 *
 * @example
 * argKind({ $ref: 'x' }); // ArgKind.Ref
 * argKind(new Date()); // ArgKind.Value
 * argKind(Object.assign(Object.create(null), { $literal: 1 })); // ArgKind.Literal
 */
export function argKind(value: unknown): ArgKind {
  if (typeof value !== 'object' || value === null) return ArgKind.Value;
  if (Array.isArray(value)) return ArgKind.Array;
  if (!isPlainObject(value)) return ArgKind.Value;
  if (typeof value.$ref === 'string') return ArgKind.Ref;
  if ('$literal' in value) return ArgKind.Literal;
  if ('$call' in value && Array.isArray(value.args)) return ArgKind.Call;
  return ArgKind.Object;
}

/**
 * Whether every item of `args` is a {@link Ref} (such a list travels as a flat list of keys).
 *
 * @example
 * allRefs([ref('a'), ref('b')]); // true
 * allRefs([ref('a'), 1]); // false
 */
export function allRefs(args: readonly unknown[]): args is readonly Ref[] {
  for (let j = 0; j < args.length; j++) if (argKind(args[j]) !== ArgKind.Ref) return false;
  return true;
}

/**
 * What {@link visitArgs} calls at each node of the language; returning `true` stops the walk.
 *
 * @example
 * const v: ArgVisitor = { ref: (key) => void keys.push(key) };
 */
export interface ArgVisitor {
  /** A reference (not looked into). */
  ref?(key: string, node: Ref): boolean | void;
  /** An inline call, before its arguments are visited. */
  call?(fn: FunctionRef, node: Call): boolean | void;
  /** A literal (not looked into). */
  literal?(node: Literal): boolean | void;
}

/** Levels walked by recursion before the explicit stack takes over. */
const SHALLOW = 64;
/** Frames of the explicit stack deeper than this are remembered on the path, so cycles end. */
const GUARD = 1024;

/**
 * Visits every ref, call and literal inside `value`, in order (depth first, items and keys in
 * order, a call before its arguments); true when a visitor returned `true` and stopped the walk.
 * Circular arguments end; a container met again on its own path is not entered again.
 *
 * @example
 * const keys: string[] = [];
 * visitArgs([ref('a'), { b: ref('b') }], { ref: (k) => void keys.push(k) }); // keys = ['a', 'b']
 */
export function visitArgs(value: unknown, visitor: ArgVisitor): boolean {
  const k = argKind(value);
  if (k === ArgKind.Value) return false;
  return visitNode(value, k, visitor, 0);
}

/** Visits one node of kind `k` (not a Value); recursion over the first {@link SHALLOW} levels. */
function visitNode(value: unknown, k: ArgKind, visitor: ArgVisitor, depth: number): boolean {
  switch (k) {
    case ArgKind.Ref:
      return visitor.ref?.((value as Ref).$ref, value as Ref) === true;
    case ArgKind.Literal:
      return visitor.literal?.(value as Literal) === true;
    case ArgKind.Call:
      if (visitor.call?.((value as Call).$call, value as Call) === true) return true;
  }
  if (depth >= SHALLOW) return visitDeep(value, k, visitor);
  if (k === ArgKind.Object) {
    const o = value as Record<string, unknown>;
    for (const key in o) if (visitChild(o[key], visitor, depth)) return true;
    return false;
  }
  const a = k === ArgKind.Call ? (value as Call).args : (value as unknown[]);
  for (let i = 0; i < a.length; i++) if (visitChild(a[i], visitor, depth)) return true;
  return false;
}

/** Visits `v`, a child of a node at `depth`, when it is a node of the language. */
function visitChild(v: unknown, visitor: ArgVisitor, depth: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const vk = argKind(v);
  return vk !== ArgKind.Value && visitNode(v, vk, visitor, depth + 1);
}

/** {@link visitArgs} inside a container (its own call already visited), with an explicit stack. */
function visitDeep(value: unknown, k: ArgKind, visitor: ArgVisitor): boolean {
  // Frames: the items being walked (an array, or an object's values by `keys`), and a cursor.
  const items: unknown[] = [];
  const keys: (string[] | undefined)[] = [];
  const at: number[] = [];
  const nodes: unknown[] = [];
  let path: Set<unknown> | undefined;
  let top = 0;
  push(value, k);
  while (top > 0) {
    const f = top - 1;
    const list = items[f] as Record<string | number, unknown>;
    const ks = keys[f];
    const i = at[f];
    const len = ks === undefined ? (list as unknown as unknown[]).length : ks.length;
    if (i >= len) {
      if (f >= GUARD) path!.delete(nodes[f]);
      top--;
      continue;
    }
    at[f] = i + 1;
    const child = ks === undefined ? list[i] : list[ks[i]];
    if (typeof child !== 'object' || child === null) continue;
    const ck = argKind(child);
    switch (ck) {
      case ArgKind.Value:
        continue;
      case ArgKind.Ref:
        if (visitor.ref?.((child as Ref).$ref, child as Ref) === true) return true;
        continue;
      case ArgKind.Literal:
        if (visitor.literal?.(child as Literal) === true) return true;
        continue;
      case ArgKind.Call:
        if (visitor.call?.((child as Call).$call, child as Call) === true) return true;
    }
    if (top >= GUARD) {
      path ??= new Set();
      if (path.has(child)) continue;
      path.add(child);
    }
    push(child, ck);
  }
  return false;

  function push(node: unknown, kind: ArgKind): void {
    nodes[top] = node;
    at[top] = 0;
    if (kind === ArgKind.Array) {
      items[top] = node;
      keys[top] = undefined;
    } else if (kind === ArgKind.Call) {
      items[top] = (node as Call).args;
      keys[top] = undefined;
    } else {
      items[top] = node;
      keys[top] = Object.keys(node as object);
    }
    top++;
  }
}

/**
 * How {@link mapArgs} replaces the nodes of the language. `ref` is required; by default a literal
 * is kept as it is and a call is kept, with its arguments mapped (a new `{ $call, args }` when they
 * changed).
 *
 * @example
 * const m: ArgMapper = { ref: (key) => values.get(key), literal: (l) => l.$literal };
 */
export interface ArgMapper {
  ref(key: string, node: Ref): unknown;
  /** An inline call, given its arguments already mapped. */
  call?(fn: FunctionRef, args: unknown[], node: Call): unknown;
  literal?(node: Literal): unknown;
}

/**
 * `value` with its refs, calls and literals replaced as `mapper` says, copying only the arrays
 * and plain objects on the way to a change (an unchanged value is returned as it is). Calls are
 * mapped after their arguments. A copied plain object gets `Object.prototype`.
 *
 * @example
 * mapArgs([ref('a'), 1], { ref: (k) => values.get(k) }); // [valueOfA, 1]
 */
export function mapArgs(value: unknown, mapper: ArgMapper): unknown {
  const k = argKind(value);
  return k === ArgKind.Value ? value : mapNode(value, k, mapper, 0);
}

/** Maps one node of kind `k` (not a Value); recursion over the first {@link SHALLOW} levels. */
function mapNode(value: unknown, k: ArgKind, mapper: ArgMapper, depth: number): unknown {
  switch (k) {
    case ArgKind.Ref:
      return mapper.ref((value as Ref).$ref, value as Ref);
    case ArgKind.Literal:
      return mapper.literal === undefined ? value : mapper.literal(value as Literal);
  }
  if (depth >= SHALLOW) return mapDeep(value, k, mapper);
  if (k === ArgKind.Object) {
    const o = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key in o) {
      const v = o[key];
      if (typeof v !== 'object' || v === null) continue;
      const vk = argKind(v);
      if (vk === ArgKind.Value) continue;
      const r =
        vk === ArgKind.Ref
          ? mapper.ref((v as Ref).$ref, v as Ref)
          : mapNode(v, vk, mapper, depth + 1);
      if (r !== v) (out ??= { ...o })[key] = r;
    }
    return out ?? value;
  }
  const a = k === ArgKind.Call ? (value as Call).args : (value as unknown[]);
  let out: unknown[] | undefined;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'object' || v === null) continue;
    const vk = argKind(v);
    if (vk === ArgKind.Value) continue;
    const r =
      vk === ArgKind.Ref
        ? mapper.ref((v as Ref).$ref, v as Ref)
        : mapNode(v, vk, mapper, depth + 1);
    if (r !== v) (out ??= a.slice())[i] = r;
  }
  if (k === ArgKind.Array) return out ?? value;
  const call = value as Call;
  const args = out ?? (call.args as unknown[]);
  if (mapper.call !== undefined) return mapper.call(call.$call, args, call);
  return out === undefined ? call : { $call: call.$call, args };
}

/** {@link mapArgs} over containers, with an explicit stack of frames. */
function mapDeep(value: unknown, kind: ArgKind, mapper: ArgMapper): unknown {
  const nodes: unknown[] = [];
  const kinds: ArgKind[] = [];
  const keys: (string[] | undefined)[] = [];
  const at: number[] = [];
  const outs: unknown[] = [];
  let path: Set<unknown> | undefined;
  let top = 0;
  push(value, kind);
  for (;;) {
    const f = top - 1;
    const node = nodes[f] as Record<string | number, unknown>;
    const fk = kinds[f];
    const ks = keys[f];
    const list = fk === ArgKind.Call ? ((node as unknown as Call).args as unknown[]) : node;
    const i = at[f];
    const len = ks === undefined ? (list as unknown[]).length : ks.length;
    let slot: string | number;
    let child: unknown;
    let r: unknown;
    if (i < len) {
      at[f] = i + 1;
      slot = ks === undefined ? i : ks[i];
      child = (list as Record<string | number, unknown>)[slot];
      if (typeof child !== 'object' || child === null) continue;
      const ck = argKind(child);
      if (ck === ArgKind.Value) continue;
      if (ck === ArgKind.Ref) r = mapper.ref((child as Ref).$ref, child as Ref);
      else if (ck === ArgKind.Literal)
        r = mapper.literal === undefined ? child : mapper.literal(child as Literal);
      else {
        if (top >= GUARD) {
          path ??= new Set();
          if (path.has(child)) continue;
          path.add(child);
        }
        push(child, ck);
        continue;
      }
    } else {
      // The frame is done: its result goes to its parent's slot.
      const out = outs[f];
      if (fk === ArgKind.Call) {
        const call = node as unknown as Call;
        const args = (out ?? call.args) as unknown[];
        r =
          mapper.call !== undefined
            ? mapper.call(call.$call, args, call)
            : out === undefined
              ? call
              : { $call: call.$call, args };
      } else r = out ?? node;
      if (f >= GUARD) path!.delete(node);
      top--;
      if (top === 0) return r;
      child = node;
      const p = top - 1;
      const pks = keys[p];
      slot = pks === undefined ? at[p] - 1 : pks[at[p] - 1];
    }
    if (r === child) continue;
    // Copy the parent frame's container on its first change.
    const p = top - 1;
    let out = outs[p] as Record<string | number, unknown> | undefined;
    if (out === undefined) {
      const pn = nodes[p];
      const pk = kinds[p];
      out = (
        pk === ArgKind.Array
          ? (pn as unknown[]).slice()
          : pk === ArgKind.Call
            ? (pn as Call).args.slice()
            : { ...(pn as object) }
      ) as Record<string | number, unknown>;
      outs[p] = out;
    }
    out[slot] = r;
  }

  function push(node: unknown, k: ArgKind): void {
    nodes[top] = node;
    kinds[top] = k;
    keys[top] = k === ArgKind.Object ? Object.keys(node as object) : undefined;
    at[top] = 0;
    outs[top] = undefined;
    top++;
  }
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
        : mapNode(v, k, (mapper ??= { ref: lookup, call, literal: unwrapLiteral }), 1);
    if (r !== v) (out ??= value.slice())[i] = r;
  }
  return out ?? value;
}

function unwrapLiteral(node: Literal): unknown {
  return node.$literal;
}
