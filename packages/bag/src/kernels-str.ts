// The string methods of the `str` namespace (str.ts), as element-wise functions made where the task
// runs from a method name and its arguments. They follow Python's str methods, which Dask's
// `bag.str` calls: `split()` with no separator splits on runs of whitespace and drops empty ends,
// `maxsplit` keeps the rest unsplit, `strip(chars)` strips any of `chars`. `match` is a glob
// (fnmatch) test, used by `str.match` as a filter.
import { describe } from './kernels-elementwise.js';

function stripSet(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && chars.includes(s[a])) a++;
  if (right) while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function split(s: string, sep: string | null | undefined, maxsplit: number): string[] {
  if (sep === '') throw new RangeError('str.split: empty separator');
  if (sep === null || sep === undefined) {
    const out: string[] = [];
    let rest = s.trimStart();
    while (rest !== '') {
      if (maxsplit >= 0 && out.length === maxsplit) {
        out.push(rest);
        return out;
      }
      const m = /\s/.exec(rest);
      if (m === null) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index).trimStart();
    }
    return out;
  }
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

function count(s: string, sub: string): number {
  if (sub === '') return s.length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

const titleCase = (s: string): string =>
  s
    .toLowerCase()
    .replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());

/**
 * A glob pattern (`*`, `?`, `[seq]`, `[!seq]`) as an anchored regular expression, as fnmatch.
 *
 * @example
 * globToRegExp('*Smith').test('Alice Smith'); // true
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const neg = body.startsWith('!');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

type StrFn = (s: string) => unknown;

/** The string methods, by name: each takes the method's arguments and returns the function. */
const METHODS: Readonly<Record<string, (...a: never[]) => StrFn>> = {
  lower: () => (s) => s.toLowerCase(),
  upper: () => (s) => s.toUpperCase(),
  casefold: () => (s) => s.toLowerCase(),
  capitalize: () => (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: () => titleCase,
  swapcase: () => (s) =>
    [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  strip: (chars?: string | null) => (s) =>
    chars == null ? s.trim() : stripSet(s, chars, true, true),
  lstrip: (chars?: string | null) => (s) =>
    chars == null ? s.trimStart() : stripSet(s, chars, true, false),
  rstrip: (chars?: string | null) => (s) =>
    chars == null ? s.trimEnd() : stripSet(s, chars, false, true),
  split:
    (sep?: string | null, maxsplit = -1) =>
    (s) =>
      split(s, sep, maxsplit),
  replace:
    (old: string, by: string, n = -1) =>
    (s) =>
      n < 0 ? s.split(old).join(by) : split(s, old, n).join(by),
  startswith: (prefix: string) => (s) => s.startsWith(prefix),
  endswith: (suffix: string) => (s) => s.endsWith(suffix),
  find: (sub: string) => (s) => s.indexOf(sub),
  count: (sub: string) => (s) => count(s, sub),
  zfill: (width: number) => (s) =>
    /^[+-]/.test(s) ? s[0] + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0'),
  isdigit: () => (s) => /^\d+$/u.test(s),
  isalpha: () => (s) => /^\p{L}+$/u.test(s),
  isalnum: () => (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: () => (s) => /^\s+$/.test(s),
  islower: () => (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: () => (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  match: (pattern: string) => {
    const re = globToRegExp(pattern);
    return (s) => re.test(s);
  },
};

/** The names of the string methods. @example STR_METHODS.includes('split') // true */
export const STR_METHODS: readonly string[] = Object.keys(METHODS);

/**
 * The element function of string method `name` with `args`; it refuses non-string elements with
 * an error naming the method and the element.
 *
 * @example
 * strMethod('split', [' '])('a b'); // ['a', 'b']
 */
export function strMethod(name: string, args: readonly unknown[]): (x: unknown) => unknown {
  const make = METHODS[name];
  if (make === undefined) throw new Error(`Unknown string method '${name}'`);
  const fn = (make as (...a: unknown[]) => StrFn)(...args);
  return (x) => {
    if (typeof x !== 'string') {
      throw new TypeError(`str.${name}: the element is not a string (got ${describe(x)})`);
    }
    return fn(x);
  };
}
