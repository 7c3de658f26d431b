// Validates messages between a scheduler and its workers without zod: a worker need not load zod
// at start-up, and a scheduler checks each worker report in a plain loop (zod's parse was a few
// per cent of a short compute). `checkToWorker` accepts exactly what `toWorkerSchema` (messages.ts)
// accepts and `checkFromWorker` what `fromWorkerSchema` accepts — a test checks each pair on valid
// and malformed messages — and both refuse the rest with the same ProtocolError text as `parseMessage`:
// the sender, the path of the first bad field, and the start of what was received. Unknown extra
// fields are allowed and ignored, as zod's objects do. Arrays of keys are checked in one plain
// loop: batches carry tens of thousands of them.
import { throwProtocol, type FromWorker, type ToWorker } from './wire.js';

type Check = (v: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const got = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function each(what: string, ok: (x: unknown) => boolean): Check {
  return (v) => {
    if (!Array.isArray(v)) return `: expected an array (each ${what}), got ${got(v)}`;
    for (let i = 0; i < v.length; i++)
      if (!ok(v[i])) return `.${i}: expected ${what}, got ${got(v[i])}`;
    return undefined;
  };
}

const isString = (x: unknown): boolean => typeof x === 'string';
const nonEmpty = (x: unknown): boolean => typeof x === 'string' && x.length > 0;
const strings = each('a string', isString);
const indices = each('an integer >= 0', (x) => Number.isInteger(x) && (x as number) >= 0);
const counts = each('an integer >= -1', (x) => Number.isInteger(x) && (x as number) >= -1);
const arrays = each('an array', Array.isArray);
const anyArray: Check = (v) =>
  Array.isArray(v) ? undefined : `: expected an array, got ${got(v)}`;
const int: Check = (v) =>
  Number.isSafeInteger(v) ? undefined : `: expected an integer, got ${got(v)}`;
const bool: Check = (v) =>
  typeof v === 'boolean' ? undefined : `: expected a boolean, got ${got(v)}`;

const numbers = each('a number', (x) => typeof x === 'number');
const str: Check = (v) =>
  typeof v === 'string' ? undefined : `: expected a string, got ${got(v)}`;
const finiteNonNegative: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? undefined
    : `: expected a number >= 0, got ${got(v)}`;
/**
 * A record (what zod's `z.object` takes): not a Map, Set, Date or array. Tags, not `instanceof`:
 * a message may come from another realm (a test runner's VM context).
 */
const isRecord = (v: unknown): v is Record<string, unknown> => {
  if (!isObject(v)) return false;
  const tag = Object.prototype.toString.call(v);
  return tag !== '[object Map]' && tag !== '[object Set]' && tag !== '[object Date]';
};

/** A plain object (what zod's `z.record` takes): its prototype is an Object.prototype, or null. */
const isPlain = (v: unknown): boolean => {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/** `check`, or nothing at all. */
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v);

function serializedError(v: unknown): string | undefined {
  if (!isRecord(v)) return `: expected an object, got ${got(v)}`;
  if (typeof v.name !== 'string') return `.name: expected a string, got ${got(v.name)}`;
  if (typeof v.message !== 'string') return `.message: expected a string, got ${got(v.message)}`;
  if (v.stack !== undefined && typeof v.stack !== 'string') return '.stack: expected a string';
  if (v.props !== undefined && !isPlain(v.props)) return '.props: expected a plain record';
  if (v.thrown !== undefined && !(isRecord(v.thrown) && 'value' in v.thrown))
    return '.thrown: expected an object with a value';
  if (v.class !== undefined && typeof v.class !== 'string') return '.class: expected a string';
  return undefined;
}

function fnRef(v: unknown): string | undefined {
  if (!isObject(v)) return `: expected a function reference, got ${got(v)}`;
  const optional = (name: string, ok: (x: unknown) => boolean, what: string) =>
    v[name] === undefined || ok(v[name]) ? undefined : `.${name}: expected ${what}`;
  switch (v.kind) {
    case 'module':
      if (!nonEmpty(v.specifier)) return '.specifier: expected a non-empty string';
      return nonEmpty(v.exportName) ? undefined : '.exportName: expected a non-empty string';
    case 'builtin':
      if (!nonEmpty(v.name)) return '.name: expected a non-empty string';
      return optional('module', nonEmpty, 'a non-empty string');
    case 'source':
      if (!nonEmpty(v.source)) return '.source: expected a non-empty string';
      if (!isObject(v.scope)) return `.scope: expected a record, got ${got(v.scope)}`;
      return optional('name', isString, 'a string');
    default:
      return `.kind: expected 'module', 'builtin' or 'source', got ${JSON.stringify(v.kind) ?? 'undefined'}`;
  }
}

function fnRefs(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `: expected an array, got ${got(v)}`;
  for (let i = 0; i < v.length; i++) {
    const bad = fnRef(v[i]);
    if (bad !== undefined) return `.${i}${bad}`;
  }
  return undefined;
}

const FIELDS: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  compute: {
    fns: fnRefs,
    keys: strings,
    fnIndex: indices,
    argCount: counts,
    argKeys: strings,
    args: arrays,
    want: optional(indices),
  },
  put: { keys: strings, values: anyArray },
  release: { keys: strings },
  gather: { id: int, keys: strings, release: bool },
  steal: { keys: strings },
  close: {},
};

const FROM_WORKER: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  hello: { worker: str, version: int, pid: int },
  finished: {
    keys: strings,
    nbytes: numbers,
    ms: optional(finiteNonNegative),
    valueKeys: optional(strings),
    values: optional(anyArray),
  },
  erred: { key: str, error: serializedError },
  gathered: { id: int, keys: strings, values: anyArray, missing: strings },
  stolen: { keys: strings },
};

function single(
  v: unknown,
  path: string,
  table: Readonly<Record<string, Readonly<Record<string, Check>>>> = FIELDS,
): string | undefined {
  if (!isObject(v)) return `${path.slice(0, -1) || '(message)'}: expected an object, got ${got(v)}`;
  const fields = typeof v.op === 'string' ? table[v.op] : undefined;
  if (fields === undefined || !Object.prototype.hasOwnProperty.call(table, v.op as string)) {
    const batch = path === '' && table === FIELDS ? ', batch' : '';
    return `${path}op: expected one of ${Object.keys(table).join(', ')}${batch}, got ${JSON.stringify(v.op) ?? 'undefined'}`;
  }
  for (const name in fields) {
    const bad = fields[name](v[name]);
    if (bad !== undefined) return `${path}${name}${bad}`;
  }
  return undefined;
}

function problem(v: unknown): string | undefined {
  if (isObject(v) && v.op === 'batch') {
    const messages = v.messages;
    if (!Array.isArray(messages)) return `messages: expected an array, got ${got(messages)}`;
    for (let i = 0; i < messages.length; i++) {
      const bad = single(messages[i], `messages.${i}.`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  return single(v, '');
}

/**
 * Validates a message sent to a worker, as `parseMessage(toWorkerSchema, raw, from)` does but
 * without loading zod; a malformed message throws a ProtocolError naming `from` and the field.
 *
 * @example
 * const msg = checkToWorker(raw, 'scheduler');
 */
export function checkToWorker(raw: unknown, from: string): ToWorker {
  const bad = problem(raw);
  return bad === undefined ? (raw as ToWorker) : refuse(raw, from, bad);
}

/**
 * Validates a message from a worker, as `parseMessage(fromWorkerSchema, raw, from)` does but in
 * plain loops (unknown extra fields are kept, not stripped); a malformed message throws a
 * ProtocolError naming `from` and the field.
 *
 * @example
 * const msg = checkFromWorker(raw, 'thread-0');
 */
export function checkFromWorker(raw: unknown, from: string): FromWorker {
  const bad = single(raw, '', FROM_WORKER);
  return bad === undefined ? (raw as FromWorker) : refuse(raw, from, bad);
}

function refuse(raw: unknown, from: string, bad: string): never {
  let shown: string;
  try {
    shown = JSON.stringify(raw)?.slice(0, 200) ?? String(raw);
  } catch {
    shown = String(raw);
  }
  return throwProtocol(`Malformed message from ${from}: ${bad}. Received: ${shown}`);
}
