// A task's nested arguments (references, inline calls and literals inside arrays and objects: the
// steps of a fused chain) compiled once per kept plan into a flat post-order program that each run
// executes with a value stack: no walk over the nested structure per compute, and no recursion (a
// fused chain of a million steps is a million ops). Parts without references, calls or literals
// stay the very values the graph holds, as `substitute` leaves them; a changed array or object is
// a copy with the changed entries replaced. An inline call that returns a promise suspends the
// program, which goes on once the promise settles (each call runs once).
import {
  ArgKind,
  argKind,
  type Call,
  type FunctionRef,
  type Literal,
  type Ref,
} from '@dask-ts/protocol';

const enum Op {
  /** Push `data[i]`. */
  Const = 0,
  /** Push the value of slot `arg[i]`. */
  Slot = 1,
  /** Pop `arg[i]` values into a copy of the array `data[i].from` at positions `data[i].at`. */
  Array = 2,
  /** Pop `arg[i]` values into a copy of the object `data[i].from` at keys `data[i].at`. */
  Object = 3,
  /** Pop `arg[i]` arguments, call the inline function `data[i]` with them, push the result. */
  Call = 4,
}

interface Patch {
  readonly from: unknown;
  readonly at: readonly (number | string)[];
}

/**
 * A compiled argument list: run it to get the arguments of the task's own function.
 *
 * @example
 * const program = compileArgs(node.args, (key) => slotOf(key));
 */
export interface ArgProgram {
  readonly op: Uint8Array;
  readonly arg: Int32Array;
  readonly data: readonly unknown[];
}

/** A node being compiled: its entries still to visit and where its ops began. */
interface Frame {
  readonly node: unknown;
  readonly kind: ArgKind;
  /** The entries: an array (a list, or a call's arguments) or an object. */
  readonly list: Record<string | number, unknown>;
  /** An object's keys (undefined for arrays). */
  readonly names: readonly string[] | undefined;
  readonly length: number;
  next: number;
  readonly start: number;
  /** Entries that got ops (not plain values), in order. */
  readonly at: (number | string)[];
}

/**
 * Compiles `args` (a task's argument list); `slotOf` gives the slot of each referenced key, in
 * the order the references appear, and `fnOf` the function of each inline call. An object or array met again inside itself (a cycle) is left
 * as it is.
 *
 * @example
 * const program = compileArgs([{ $call: incRef, args: [ref('x')] }], () => 0, () => inc);
 */
export function compileArgs(
  args: readonly unknown[],
  slotOf: (key: string) => number,
  fnOf: (ref: FunctionRef) => InlineFunction,
): ArgProgram {
  const op: number[] = [];
  const arg: number[] = [];
  const data: unknown[] = [];
  const emit = (o: Op, a: number, d: unknown): void => {
    op.push(o);
    arg.push(a);
    data.push(d);
  };
  const frames: Frame[] = [];
  const onPath = new Set<unknown>();
  const open = (node: unknown, kind: ArgKind): void => {
    const list = (kind === ArgKind.Call ? (node as Call).args : node) as Record<
      string | number,
      unknown
    >;
    const names = kind === ArgKind.Object ? Object.keys(list) : undefined;
    const length = names === undefined ? (list as unknown as unknown[]).length : names.length;
    frames.push({ node, kind, list, names, length, next: 0, start: op.length, at: [] });
    onPath.add(node);
  };
  open(args, ArgKind.Array);
  while (frames.length > 0) {
    const f = frames[frames.length - 1];
    if (f.next < f.length) {
      const i = f.next++;
      const name = f.names === undefined ? i : f.names[i];
      const v = f.list[name];
      const k = typeof v !== 'object' || v === null || onPath.has(v) ? ArgKind.Value : argKind(v);
      if (k === ArgKind.Value) {
        // A call's arguments are all on the stack; a list's plain entries stay in its copy.
        if (f.kind === ArgKind.Call) emit(Op.Const, 0, v);
        continue;
      }
      f.at.push(name);
      if (k === ArgKind.Ref) emit(Op.Slot, slotOf((v as Ref).$ref), undefined);
      else if (k === ArgKind.Literal) emit(Op.Const, 0, (v as Literal).$literal);
      else open(v, k);
      continue;
    }
    frames.pop();
    onPath.delete(f.node);
    close(f);
  }
  return { op: Uint8Array.from(op), arg: Int32Array.from(arg), data };

  function close(f: Frame): void {
    if (f.kind === ArgKind.Call) {
      const call = f.node as Call;
      emit(Op.Call, f.length, fnOf(call.$call));
      return;
    }
    // Entries that all came out as themselves: the list is a plain value too.
    let same = op.length - f.start === f.at.length;
    for (let j = 0; j < f.at.length && same; j++) {
      const at = f.start + j;
      same = op[at] === Op.Const && data[at] === f.list[f.at[j]];
    }
    if (same) {
      op.length = arg.length = data.length = f.start;
      emit(Op.Const, 0, f.list);
    } else {
      emit(f.kind === ArgKind.Object ? Op.Object : Op.Array, f.at.length, {
        from: f.list,
        at: f.at,
      });
    }
  }
}

/** The function of an inline call. */
export type InlineFunction = (...args: unknown[]) => unknown;

/** Where a suspended program goes on: the op after a pending call, and the stack so far. */
export interface Suspended {
  readonly pc: number;
  readonly stack: unknown[];
  readonly sp: number;
  readonly pending: PromiseLike<unknown>;
}

/**
 * Runs `program` from `pc` over `values` (by slot). Returns the argument list, or where it
 * stopped when an inline call returned a promise (push its value, then run on from there).
 *
 * @example
 * const args = runArgs(program, values);
 */
export function runArgs(
  program: ArgProgram,
  values: readonly unknown[],
  pc = 0,
  stack: unknown[] = [],
  sp = 0,
): unknown[] | Suspended {
  const { op, arg, data } = program;
  const n = op.length;
  for (; pc < n; pc++) {
    switch (op[pc] as Op) {
      case Op.Const:
        stack[sp++] = data[pc];
        break;
      case Op.Slot:
        stack[sp++] = values[arg[pc]];
        break;
      case Op.Array: {
        const { from, at } = data[pc] as Patch;
        const out = (from as unknown[]).slice();
        sp -= at.length;
        for (let j = 0; j < at.length; j++) out[at[j] as number] = stack[sp + j];
        stack[sp++] = out;
        break;
      }
      case Op.Object: {
        const { from, at } = data[pc] as Patch;
        const out: Record<string, unknown> = { ...(from as Record<string, unknown>) };
        sp -= at.length;
        for (let j = 0; j < at.length; j++) out[at[j] as string] = stack[sp + j];
        stack[sp++] = out;
        break;
      }
      case Op.Call: {
        const f = data[pc] as InlineFunction;
        const count = arg[pc];
        sp -= count;
        const r = callFrom(f, stack, sp, count);
        if (isThenable(r)) return { pc: pc + 1, stack, sp, pending: r };
        stack[sp++] = r;
        break;
      }
    }
  }
  return stack[sp - 1] as unknown[];
}

/** Calls `f` with `count` arguments from `stack[sp ..]`; up to three without an array. */
function callFrom(f: InlineFunction, stack: unknown[], sp: number, count: number): unknown {
  switch (count) {
    case 0:
      return f();
    case 1:
      return f(stack[sp]);
    case 2:
      return f(stack[sp], stack[sp + 1]);
    case 3:
      return f(stack[sp], stack[sp + 1], stack[sp + 2]);
    default:
      return f(...stack.slice(sp, sp + count));
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'
  );
}
