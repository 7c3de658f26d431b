// Grouping keys. JavaScript Maps compare keys by identity, but a bag groups by value: two tuples
// `['a', 1]` built in different partitions (or threads) are the same group. Primitive keys are used
// as they are; arrays, plain objects and Dates become a canonical text (sorted object keys), marked
// so it never equals a plain string key. The original key is kept next to the value. A string
// hash of the canonical form spreads groups over shuffle partitions the same way in every thread.

const MARK = '\u0000k:';

/**
 * The Map key under which `k` groups: itself when primitive, else a canonical text.
 *
 * @example
 * groupKey(['a', 1]) === groupKey(['a', 1]); // true
 */
export function groupKey(k: unknown): unknown {
  if (k === null || (typeof k !== 'object' && typeof k !== 'function')) return k;
  return MARK + canonical(k);
}

function canonical(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Object.is(v, -0) ? '0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return String(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
      if (v instanceof Date) return `D${v.getTime()}`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
        .join(',')}}`;
    }
    default:
      throw new TypeError(`Cannot group by a ${typeof v} key`);
  }
}

/**
 * A 32-bit FNV-1a hash of a grouping key, equal in every thread and process.
 *
 * @example
 * hashKey(groupKey('apple')) % 8;
 */
export function hashKey(gk: unknown): number {
  const s =
    typeof gk === 'string' ? gk : typeof gk === 'number' ? `n${gk}` : `${typeof gk}${String(gk)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
