// The `str` namespace of a bag of strings (`b.str.lower()`, `b.str.split(' ')`...): Python's
// string methods applied to every element, as Dask's `bag.str` does, each an element-wise stage
// that fuses with its neighbours. `match` keeps the elements that match a glob pattern.
import { STR_METHODS } from './kernels-str.js';
import type { Bag } from './bag.js';

/**
 * Python's string methods over a bag of strings (Dask's `Bag.str`).
 *
 * @example
 * await names.str.lower().compute(); // ['alice smith', ...]
 * await names.str.split(' ').compute(); // [['Alice', 'Smith'], ...]
 * await names.str.match('*Smith').compute(); // ['Alice Smith', 'Charlie Smith']
 */
export class StrAccessor {
  /** @internal Use `bag.str`. */
  constructor(private readonly bag: Bag<string>) {}

  private apply<R>(method: string, args: unknown[]): Bag<R> {
    return this.bag.stage<R>(`str-${method}`, [method, args], ['str', method, { $literal: args }]);
  }

  /** The names of the methods. @example names.str.methods().includes('split') // true */
  methods(): readonly string[] {
    return STR_METHODS;
  }
  /** Lower case. @example b.str.lower() */
  lower(): Bag<string> {
    return this.apply('lower', []);
  }
  /** Upper case. @example b.str.upper() */
  upper(): Bag<string> {
    return this.apply('upper', []);
  }
  /** Lower case for caseless matching. @example b.str.casefold() */
  casefold(): Bag<string> {
    return this.apply('casefold', []);
  }
  /** First character upper, the rest lower. @example b.str.capitalize() */
  capitalize(): Bag<string> {
    return this.apply('capitalize', []);
  }
  /** Each word capitalized. @example b.str.title() */
  title(): Bag<string> {
    return this.apply('title', []);
  }
  /** Upper to lower and lower to upper. @example b.str.swapcase() */
  swapcase(): Bag<string> {
    return this.apply('swapcase', []);
  }
  /** Strips whitespace (or any of `chars`) from both ends. @example b.str.strip() */
  strip(chars?: string): Bag<string> {
    return this.apply('strip', [chars ?? null]);
  }
  /** Strips from the start. @example b.str.lstrip('#') */
  lstrip(chars?: string): Bag<string> {
    return this.apply('lstrip', [chars ?? null]);
  }
  /** Strips from the end. @example b.str.rstrip('\n') */
  rstrip(chars?: string): Bag<string> {
    return this.apply('rstrip', [chars ?? null]);
  }
  /** Splits at `sep` (default: runs of whitespace), at most `maxsplit` times. @example b.str.split(',') */
  split(sep?: string | null, maxsplit = -1): Bag<string[]> {
    return this.apply('split', [sep ?? null, maxsplit]);
  }
  /** Replaces `old` with `by` (the first `count` times). @example b.str.replace('-', '_') */
  replace(old: string, by: string, count = -1): Bag<string> {
    return this.apply('replace', [old, by, count]);
  }
  /** Whether each starts with `prefix`. @example b.str.startswith('#') */
  startswith(prefix: string): Bag<boolean> {
    return this.apply('startswith', [prefix]);
  }
  /** Whether each ends with `suffix`. @example b.str.endswith('.txt') */
  endswith(suffix: string): Bag<boolean> {
    return this.apply('endswith', [suffix]);
  }
  /** The index of `sub` (-1: none). @example b.str.find('x') */
  find(sub: string): Bag<number> {
    return this.apply('find', [sub]);
  }
  /** Non-overlapping occurrences of `sub`. @example b.str.count('a') */
  count(sub: string): Bag<number> {
    return this.apply('count', [sub]);
  }
  /** Pads with zeros on the left to `width`. @example b.str.zfill(5) */
  zfill(width: number): Bag<string> {
    return this.apply('zfill', [width]);
  }
  /** Whether each is digits. @example b.str.isdigit() */
  isdigit(): Bag<boolean> {
    return this.apply('isdigit', []);
  }
  /** Whether each is letters. @example b.str.isalpha() */
  isalpha(): Bag<boolean> {
    return this.apply('isalpha', []);
  }
  /** Whether each is letters and digits. @example b.str.isalnum() */
  isalnum(): Bag<boolean> {
    return this.apply('isalnum', []);
  }
  /** Whether each is whitespace. @example b.str.isspace() */
  isspace(): Bag<boolean> {
    return this.apply('isspace', []);
  }
  /** Whether each has cased letters, all lower. @example b.str.islower() */
  islower(): Bag<boolean> {
    return this.apply('islower', []);
  }
  /** Whether each has cased letters, all upper. @example b.str.isupper() */
  isupper(): Bag<boolean> {
    return this.apply('isupper', []);
  }
  /**
   * Keeps the elements matching a glob pattern (`*`, `?`, `[seq]`, `[!seq]`), as fnmatch.
   *
   * @example
   * b.str.match('*Smith');
   */
  match(pattern: string): Bag<string> {
    return this.bag.stage<string>(`str-match`, [pattern], ['strMatch', pattern]);
  }
}
