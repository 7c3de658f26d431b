// Native functions every JavaScript realm has, found by identity: `JSON.parse` given to `map` is
// shipped as the text `globalThis.JSON.parse`, which a worker thread evaluates to its own (the
// same function there; `globalThis.` keeps `String` from meaning a binding named after it). Policy: only plain functions of the language's standard globals and of
// its namespace objects (JSON, Math, Object, Array, Number, String, Date, Reflect), never Node's
// modules or anything a program may have replaced; `eval` and `Function` are left out. Looked
// up when a function's text says `[native code]`, nowhere else.

const GLOBALS = [
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURI',
  'decodeURI',
  'encodeURIComponent',
  'decodeURIComponent',
  'Number',
  'String',
  'Boolean',
  'BigInt',
];
const NAMESPACES = ['JSON', 'Math', 'Object', 'Array', 'Number', 'String', 'Date', 'Reflect'];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

let names: WeakMap<object, string> | undefined;

function table(): WeakMap<object, string> {
  const m = new WeakMap<object, string>();
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of GLOBALS) {
    const f = g[name];
    if (typeof f === 'function') m.set(f, `globalThis.${name}`);
  }
  for (const ns of NAMESPACES) {
    const o = g[ns] as object | undefined;
    if (o === undefined) continue;
    for (const k of Object.getOwnPropertyNames(o)) {
      const f = Object.getOwnPropertyDescriptor(o, k)?.value as unknown;
      if (typeof f === 'function' && IDENTIFIER.test(k) && !m.has(f))
        m.set(f, `globalThis.${ns}.${k}`);
    }
  }
  return m;
}

/**
 * The expression that names standard native function `fn` in any realm
 * (`'globalThis.JSON.parse'`, `'globalThis.parseFloat'`), or undefined when it is not one.
 * @internal
 *
 * @example
 * standardName(JSON.parse); // 'globalThis.JSON.parse'
 * standardName(() => 1); // undefined
 */
export function standardName(fn: object): string | undefined {
  names ??= table();
  return names.get(fn);
}
