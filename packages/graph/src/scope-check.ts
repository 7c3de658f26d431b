// Checking an explicit `scope` when a function reference is made, so that nothing fails later in
// a worker. Functions (and classes) in scope become helpers: their own text, shipped beside the
// function and checked the same way (what they read must be a global, a scope value or another
// helper). A function whose text cannot be rebuilt elsewhere (native code, a bound function, or
// one that reads variables of the module it was imported from, such as `createHash`) is refused
// with what to do instead. Values that structured clone cannot copy (a function nested inside a
// value, a symbol, a promise, a WeakMap) are refused naming their path in the scope.
import { standardName } from './standard-globals.js';
import { analyseFunction } from './free-variables.js';

/** A checked scope: its plain values and its helpers' text, or why it cannot be shipped. */
export type CheckedScope =
  | {
      readonly ok: true;
      readonly values: Readonly<Record<string, unknown>>;
      readonly helpers: Readonly<Record<string, string>> | undefined;
    }
  | { readonly ok: false; readonly problem: string; readonly vars: readonly string[] };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** How deep and how many values of a scope are looked at (a huge array is not walked twice). */
const MAX_DEPTH = 32;

const helperText = new WeakMap<object, ReturnType<typeof analyseFunction>>();

function analyseHelper(fn: (...args: never[]) => unknown): ReturnType<typeof analyseFunction> {
  let hit = helperText.get(fn);
  if (hit === undefined) {
    const text = Function.prototype.toString.call(fn);
    const standard = standardName(fn);
    if (standard !== undefined) hit = { ok: true, source: standard, free: [] };
    else
      hit = /\{\s*\[native code\]\s*\}\s*$/.test(text)
        ? { ok: false, problem: 'native' }
        : analyseFunction(text, true);
    helperText.set(fn, hit);
  }
  return hit;
}

function importAdvice(name: string): string {
  return `Import it inside your function instead (an async function: const { ${name} } = await import('the-module'), e.g. 'node:crypto'), or export your function from its own module (not the entry script) and name it there with moduleRef(import.meta.url, 'yourFunction')`;
}

/**
 * Splits an explicit scope into values and helpers, or says why it cannot be shipped.
 *
 * @example
 * checkScope({ k: 2, clamp: (v: number) => Math.min(v, 10) });
 * // { ok: true, values: { k: 2 }, helpers: { clamp: '(v) => Math.min(v, 10)' } }
 */
export function checkScope(scope: Readonly<Record<string, unknown>>): CheckedScope {
  const names = Object.keys(scope);
  let values: Record<string, unknown> | undefined;
  let helpers: Record<string, string> | undefined;
  for (const name of names) {
    if (!IDENTIFIER.test(name)) {
      return {
        ok: false,
        problem: `the scope key '${name}' is not a JavaScript identifier, so the function cannot read it by that name`,
        vars: [name],
      };
    }
    const value = scope[name];
    if (typeof value !== 'function') {
      const bad = uncloneable(value, name, 0, new Set());
      if (bad !== undefined) return { ok: false, problem: bad, vars: [name] };
      continue;
    }
    const fn = value as (...args: never[]) => unknown;
    const fnName = fn.name || name;
    const checked = analyseHelper(fn);
    if (!checked.ok) {
      const what =
        checked.problem === 'native'
          ? fnName.startsWith('bound ')
            ? `a bound function (${fnName})`
            : `native code (${fnName})`
          : `a function whose text cannot be shipped (${checked.problem})`;
      return {
        ok: false,
        problem: `the scope value '${name}' is ${what}, which a worker cannot rebuild from its text. ${importAdvice(name)}.`,
        vars: [name],
      };
    }
    const missing = checked.free.filter((v) => !Object.prototype.hasOwnProperty.call(scope, v));
    if (missing.length > 0) {
      const listed = missing.map((v) => `'${v}'`).join(', ');
      return {
        ok: false,
        problem: `the scope value '${name}' is a function that reads ${listed} from where it was defined (a function imported from a package or a Node.js built-in module reads that module's variables), which a worker cannot see. Add ${missing.length === 1 ? 'it' : 'them'} to scope too if ${missing.length === 1 ? 'it is' : 'they are'} your own, or: ${importAdvice(name)}.`,
        vars: [name, ...missing],
      };
    }
    (helpers ??= {})[name] = checked.source;
    values ??= {};
  }
  if (helpers === undefined) return { ok: true, values: scope, helpers: undefined };
  for (const name of names) if (typeof scope[name] !== 'function') values![name] = scope[name];
  return { ok: true, values: values!, helpers };
}

/** Why `value` (at `path` in the scope) cannot be copied to a worker, or undefined. */
function uncloneable(
  value: unknown,
  path: string,
  depth: number,
  seen: Set<object>,
): string | undefined {
  switch (typeof value) {
    case 'function':
      return `the scope value '${path}' is a function inside another value, which cannot be copied to a worker. Pass functions as top-level scope entries: scope: { ${path.split(/[.[]/).pop()!.replace(/\]$/, '')} }`;
    case 'symbol':
      return `the scope value '${path}' is a symbol, which cannot be copied to a worker`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null || seen.has(value) || depth > MAX_DEPTH || ArrayBuffer.isView(value))
    return undefined;
  const tag = Object.prototype.toString.call(value);
  if (/^\[object (Promise|WeakMap|WeakSet|WeakRef|Generator|AsyncGenerator)\]$/.test(tag)) {
    return `the scope value '${path}' is a ${tag.slice(8, -1)}, which cannot be copied to a worker`;
  }
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol') continue;
      const bad = uncloneable(v, `${path}[${i}]`, depth + 1, seen);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const bad =
        uncloneable(k, `${path}<key>`, depth + 1, seen) ??
        uncloneable(v, `${path}.get(${String(k)})`, depth + 1, seen);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const bad = uncloneable(v, `${path}<item>`, depth + 1, seen);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  for (const k of Object.keys(value)) {
    const bad = uncloneable((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1, seen);
    if (bad !== undefined) return bad;
  }
  return undefined;
}
