// Keys name the nodes of a task graph. A key is a string or a `[name, ...indices]` tuple (the
// address of a chunk); every key has exactly one canonical string form, used everywhere a key is
// stored or sent. Tuples become compact JSON; string keys may not begin with `["`, so the two forms
// never collide. The key's zod schema lives in key-schema.ts, so code that only handles keys (a
// worker at start-up) loads no zod.

/**
 * A graph key: a plain string, or a tuple of a name and integer indices (a chunk's address).
 *
 * @example
 * const k1: Key = 'total';
 * const k2: Key = ['sum-3f2a', 0, 4];
 */
export type Key = string | readonly [string, ...number[]];

/**
 * The canonical string form of a key. Strings are returned as they are; tuples become JSON.
 *
 * @example
 * keyToString('x'); // 'x'
 * keyToString(['x', 0, 1]); // '["x",0,1]'
 */
export function keyToString(key: Key): string {
  if (typeof key === 'string') {
    if (key.startsWith('["')) {
      throw new TypeError(
        `Invalid key ${JSON.stringify(key)}: string keys may not begin with '["' (that form is reserved for tuple keys)`,
      );
    }
    return key;
  }
  if (!Array.isArray(key) || key.length === 0 || typeof key[0] !== 'string') {
    throw new TypeError(
      `Invalid key ${safeShow(key)}: expected a string or a [name, ...indices] tuple`,
    );
  }
  for (let i = 1; i < key.length; i++) {
    if (!Number.isInteger(key[i])) {
      throw new TypeError(`Invalid key ${safeShow(key)}: index ${i} is not an integer`);
    }
  }
  return JSON.stringify(key);
}

/**
 * Parses a canonical key string back into a {@link Key}.
 *
 * @example
 * parseKey('["x",0,1]'); // ['x', 0, 1]
 */
export function parseKey(key: string): Key {
  if (key.startsWith('["')) return JSON.parse(key) as Key;
  return key;
}

/**
 * The name part of a key (the whole string for string keys).
 *
 * @example
 * keyName('["sum-ab12",3]'); // 'sum-ab12'
 */
export function keyName(key: Key | string): string {
  if (typeof key === 'string') return key.startsWith('["') ? (JSON.parse(key) as [string])[0] : key;
  return key[0];
}

/**
 * The group of a key, Dask's `key_split`: its name without a trailing token or counter
 * (`inc-3f2a9c...` is `inc`) and without the indices of a tuple key (`["sum-3f2a",0,4]` is
 * `sum`). Progress bars, the dashboard's task groups and `visualize` label tasks by it.
 *
 * @example
 * keySplit('["sum-3f2a9c1b",0,4]'); // 'sum'
 * keySplit('load-csv-17'); // 'load-csv'
 */
export function keySplit(key: Key | string): string {
  let name: string;
  try {
    name = keyName(key);
  } catch {
    name = String(key); // not a tuple key after all: grouped by its text
  }
  const words = name.split('-');
  while (words.length > 1 && /^([0-9a-f]{6,}|\d+)$/i.test(words[words.length - 1] ?? ''))
    words.pop();
  return words.join('-');
}

function safeShow(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
