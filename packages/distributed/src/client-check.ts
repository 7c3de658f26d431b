// Checks of the messages a client and the scheduler server exchange most (a `hold`, `compute` or
// `release` from a client; `values`, `finished` or `result` to it) in plain loops, before zod: a round trip
// took two zod parses of a few microseconds each. A message the plain check accepts is one the zod
// schema (client-messages.ts) accepts too: it is stricter or equal field by field (a test checks
// the pairs; function references too), and the placements in a graph are still parsed by their
// zod schema. Anything else, well-formed or not, goes to zod, which says what is wrong. Unknown extra
// fields are allowed, as zod's objects allow them (zod drops them; these checks keep them, and
// nothing reads them).
import { placementSchema } from '@dask-ts/protocol';
import type { z } from 'zod';
import {
  fromClientSchema,
  toClientSchema,
  type FromClient,
  type ToClient,
} from './client-messages.js';

/** What zod's `safeParse` answers. */
type Parsed<T> = { success: true; data: T } | { success: false; error: z.ZodError };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function every(v: unknown, ok: (x: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!ok(v[i])) return false;
  return true;
}

const isString = (x: unknown): boolean => typeof x === 'string';
const isIndex = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= -1;
const isKeyList = (x: unknown): boolean => every(x, isString);
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
const isBool = (x: unknown): boolean => typeof x === 'boolean';

const isName = (x: unknown): boolean => typeof x === 'string' && x.length > 0;

/** A record of plain data (what zod's `z.record(z.string(), ...)` takes, or less). */
function isRecord(v: unknown, ok: (x: unknown) => boolean): boolean {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(v).length > 0) return false;
  if (Object.prototype.hasOwnProperty.call(v, 'constructor')) return false;
  for (const key in v) if (!ok(v[key])) return false;
  return true;
}

/** Whether `v` is a portable function reference that `portableFunctionRefSchema` accepts. */
function isPortableRef(v: unknown): boolean {
  if (!isObject(v)) return false;
  switch (v.kind) {
    case 'module':
      return isName(v.specifier) && isName(v.exportName);
    case 'builtin':
      return isName(v.name) && optional(v.module, isName);
    case 'source':
      return (
        isName(v.source) &&
        isRecord(v.scope, () => true) &&
        optional(v.name, isString) &&
        optional(v.helpers, (h) => isRecord(h, isString)) &&
        optional(v.origin, isString)
      );
    default:
      return false;
  }
}

/**
 * The graph fields of `m` with its placements as their zod schema gives them, or undefined when
 * a field does not check.
 */
function graphFields(m: Record<string, unknown>): Record<string, unknown> | undefined {
  const { fns, placements } = m;
  if (
    !every(m.graphKeys, isString) ||
    !every(m.fnIndex, isIndex) ||
    !Array.isArray(m.payloads) ||
    !every(m.deps, isKeyList) ||
    !optional(m.placementIndex, (x) => every(x, isIndex)) ||
    !Array.isArray(fns) ||
    !optional(placements, Array.isArray)
  )
    return undefined;
  if (!every(fns, isPortableRef)) return undefined;
  let placed: unknown[] | undefined;
  if (placements !== undefined) {
    placed = [];
    for (const p of placements as unknown[]) {
      const r = placementSchema.safeParse(p);
      if (!r.success) return undefined;
      placed.push(r.data);
    }
  }
  return placed !== undefined ? { ...m, placements: placed } : m;
}

/** `raw` when it is a `hold`, `compute` or `release` that checks (see the file comment). */
function quickFromClient(raw: unknown): FromClient | undefined {
  if (!isObject(raw)) return undefined;
  if (raw.op === 'release') {
    return every(raw.keys, isString) && optional(raw.cancel, isBool)
      ? (raw as FromClient)
      : undefined;
  }
  if (raw.op === 'compute') {
    return Number.isSafeInteger(raw.id) && every(raw.keys, isString)
      ? (graphFields(raw) as FromClient | undefined)
      : undefined;
  }
  if (raw.op !== 'hold') return undefined;
  if (
    !every(raw.keys, isString) ||
    !optional(raw.push, (x) => every(x, isString)) ||
    !optional(raw.broadcast, isBool)
  )
    return undefined;
  return graphFields(raw) as FromClient | undefined;
}

/** `raw` when it is a `values`, `finished` or `result` that checks, else undefined. */
function quickToClient(raw: unknown): ToClient | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.op) {
    case 'values':
      return every(raw.keys, isString) &&
        optional(raw.values, Array.isArray) &&
        optional(raw.failed, isBool)
        ? (raw as ToClient)
        : undefined;
    case 'finished':
      return every(raw.keys, isString) ? (raw as ToClient) : undefined;
    case 'result':
      return Number.isSafeInteger(raw.id) && Array.isArray(raw.values)
        ? (raw as ToClient)
        : undefined;
    default:
      return undefined;
  }
}

/**
 * `fromClientSchema.safeParse(raw)`, with the common messages checked in plain loops first.
 *
 * @example
 * const parsed = parseFromClient(raw);
 * if (!parsed.success) drop(parsed.error.issues[0]?.message);
 */
export function parseFromClient(raw: unknown): Parsed<FromClient> {
  const quick = quickFromClient(raw);
  if (quick !== undefined) return { success: true, data: quick };
  return fromClientSchema.safeParse(raw);
}

/**
 * `toClientSchema.safeParse(raw)`, with the common messages checked in plain loops first.
 *
 * @example
 * const parsed = parseToClient(raw);
 * if (parsed.success) dispatch(parsed.data);
 */
export function parseToClient(raw: unknown): Parsed<ToClient> {
  const quick = quickToClient(raw);
  if (quick !== undefined) return { success: true, data: quick };
  return toClientSchema.safeParse(raw);
}
