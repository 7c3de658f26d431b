// Categories as kernels keep them: int32 codes into a utf8 dictionary that is always sorted (UTF-8
// byte order, which is code point order) and distinct, so the codes of one column order and
// compare as its strings do, and kernels that group or sort one column work on the codes. Columns
// from different partitions have different dictionaries: concatenating them merges the
// dictionaries and remaps codes; comparing rows of two columns compares the strings.
import type { Col, Utf8Col } from './columns.js';

const isValid = (valid: Uint8Array | undefined, i: number): boolean =>
  valid === undefined || (valid[i >> 3] & (1 << (i & 7))) !== 0;

type Cat = Extract<Col, { type: 'category' }>;

/** Compares string i of `a` with string j of `b` by their UTF-8 bytes. @internal */
export function cmpUtf8(a: Utf8Col, i: number, b: Utf8Col, j: number): number {
  const sa = a.offsets[i];
  const sb = b.offsets[j];
  const la = a.offsets[i + 1] - sa;
  const lb = b.offsets[j + 1] - sb;
  const m = la < lb ? la : lb;
  for (let k = 0; k < m; k++) {
    const d = a.data[sa + k] - b.data[sb + k];
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Strings `idx` of a utf8 column, without nulls (a dictionary). */
function pickStrings(u: Utf8Col, idx: ArrayLike<number>): Utf8Col {
  const n = idx.length;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += u.offsets[idx[i] + 1] - u.offsets[idx[i]];
  const data = new Uint8Array(bytes);
  const offsets = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = u.offsets[idx[i]];
    const e = u.offsets[idx[i] + 1];
    data.set(u.data.subarray(s, e), pos);
    pos += e - s;
    offsets[i + 1] = pos;
  }
  return { type: 'utf8', length: n, offsets, data };
}

/** Whether a dictionary is sorted and distinct (the invariant of a category's). */
function sortedDistinct(d: Utf8Col): boolean {
  for (let i = 1; i < d.length; i++) if (cmpUtf8(d, i - 1, d, i) >= 0) return false;
  return true;
}

/** Whether two dictionaries hold the same strings in the same order. */
function sameDict(a: Utf8Col, b: Utf8Col): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const a0 = a.offsets[0];
  const b0 = b.offsets[0];
  for (let i = 1; i <= a.length; i++) if (a.offsets[i] - a0 !== b.offsets[i] - b0) return false;
  const n = a.offsets[a.length] - a0;
  for (let k = 0; k < n; k++) if (a.data[a0 + k] !== b.data[b0 + k]) return false;
  return true;
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Two sorted, distinct dictionaries merged (two pointers), with each one's new codes. */
function merge2(a: Utf8Col, b: Utf8Col): { dict: Utf8Col; ma: Int32Array; mb: Int32Array } {
  const ma = new Int32Array(a.length);
  const mb = new Int32Array(b.length);
  const fromA: number[] = [];
  const fromB: number[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : cmpUtf8(a, i, b, j);
    if (c <= 0) {
      fromA.push(i);
      fromB.push(-1);
      ma[i++] = k;
      if (c === 0) mb[j++] = k;
    } else {
      fromA.push(-1);
      fromB.push(j);
      mb[j++] = k;
    }
    k++;
  }
  let bytes = 0;
  for (let t = 0; t < k; t++) {
    const u = fromA[t] >= 0 ? a : b;
    const x = fromA[t] >= 0 ? fromA[t] : fromB[t];
    bytes += u.offsets[x + 1] - u.offsets[x];
  }
  const data = new Uint8Array(bytes);
  const offsets = new Int32Array(k + 1);
  let pos = 0;
  for (let t = 0; t < k; t++) {
    const u = fromA[t] >= 0 ? a : b;
    const x = fromA[t] >= 0 ? fromA[t] : fromB[t];
    for (let q = u.offsets[x], e = u.offsets[x + 1]; q < e; q++) data[pos++] = u.data[q];
    offsets[t + 1] = pos;
  }
  return { dict: { type: 'utf8', length: k, offsets, data }, ma, mb };
}

/**
 * The union of sorted, distinct dictionaries `dicts[lo, hi)`: halves merged pairwise (a tree, so
 * each code is remapped once per level), equal halves kept as they are.
 */
function mergeSorted(
  dicts: readonly Utf8Col[],
  lo = 0,
  hi = dicts.length,
): { dict: Utf8Col; maps: Int32Array[] } {
  if (hi - lo === 1) return { dict: dicts[lo], maps: [identity(dicts[lo].length)] };
  const mid = (lo + hi) >> 1;
  const a = mergeSorted(dicts, lo, mid);
  const b = mergeSorted(dicts, mid, hi);
  if (sameDict(a.dict, b.dict)) return { dict: a.dict, maps: [...a.maps, ...b.maps] };
  const { dict, ma, mb } = merge2(a.dict, b.dict);
  for (const m of a.maps) for (let i = 0; i < m.length; i++) m[i] = ma[m[i]];
  for (const m of b.maps) for (let i = 0; i < m.length; i++) m[i] = mb[m[i]];
  return { dict, maps: [...a.maps, ...b.maps] };
}

/**
 * The sorted, distinct union of several dictionaries, and per dictionary the new code of each of
 * its entries. @internal
 */
export function mergeDicts(dicts: readonly Utf8Col[]): { dict: Utf8Col; maps: Int32Array[] } {
  if (dicts.length > 0 && dicts.every(sortedDistinct)) return mergeSorted(dicts);
  const entries: [number, number][] = [];
  dicts.forEach((d, p) => {
    for (let i = 0; i < d.length; i++) entries.push([p, i]);
  });
  entries.sort((x, y) => cmpUtf8(dicts[x[0]], x[1], dicts[y[0]], y[1]));
  const maps = dicts.map((d) => new Int32Array(d.length));
  const keptP: number[] = [];
  const keptI: number[] = [];
  let bytes = 0;
  for (let k = 0; k < entries.length; k++) {
    const [p, i] = entries[k];
    const prev = entries[k - 1];
    if (prev === undefined || cmpUtf8(dicts[prev[0]], prev[1], dicts[p], i) !== 0) {
      keptP.push(p);
      keptI.push(i);
      bytes += dicts[p].offsets[i + 1] - dicts[p].offsets[i];
    }
    maps[p][i] = keptP.length - 1;
  }
  const n = keptP.length;
  const data = new Uint8Array(bytes);
  const offsets = new Int32Array(n + 1);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const u = dicts[keptP[k]];
    const st = u.offsets[keptI[k]];
    const e = u.offsets[keptI[k] + 1];
    data.set(u.data.subarray(st, e), pos);
    pos += e - st;
    offsets[k + 1] = pos;
  }
  return { dict: { type: 'utf8', length: n, offsets, data }, maps };
}

/** A category column whose dictionary is sorted and distinct (codes remapped if needed). @internal */
export function normalizeCategory(c: Cat): Cat {
  const d = c.dict;
  let ok = true;
  for (let i = 1; i < d.length && ok; i++) ok = cmpUtf8(d, i - 1, d, i) < 0;
  if (ok) return c;
  const { dict, maps } = mergeDicts([d]);
  return { ...c, values: remap(c, maps[0]), dict };
}

function remap(c: Cat, map: Int32Array): Int32Array {
  const out = new Int32Array(c.length);
  const codes = c.values;
  if (c.valid === undefined) for (let i = 0; i < c.length; i++) out[i] = map[codes[i]];
  else for (let i = 0; i < c.length; i++) out[i] = isValid(c.valid, i) ? map[codes[i]] : 0;
  return out;
}

/**
 * A utf8 column as a category column (its distinct strings, sorted). Strings are found by their
 * bytes (an open-addressing table of FNV-1a hashes, compared byte for byte with the row that
 * brought each string first), never decoded to JavaScript strings. @internal
 */
export function encodeCategory(u: Utf8Col): Cat {
  const n = u.length;
  const { offsets: o, data } = u;
  const ids = new Int32Array(n);
  const firsts: number[] = [];
  const hashes: number[] = [];
  let mask = 63;
  let table = new Int32Array(mask + 1).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!isValid(u.valid, i)) continue;
    const s = o[i];
    const e = o[i + 1];
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ data[k], 0x01000193);
    let slot = h & mask;
    let id = table[slot];
    while (
      id >= 0 &&
      !(hashes[id] === h && sameBytes(data, o[firsts[id]], o[firsts[id] + 1], s, e))
    )
      id = table[(slot = (slot + 1) & mask)];
    if (id < 0) {
      id = firsts.length;
      firsts.push(i);
      hashes.push(h);
      table[slot] = id;
      if (firsts.length * 2 > mask) {
        mask = mask * 2 + 1;
        table = new Int32Array(mask + 1).fill(-1);
        for (let k = 0; k < hashes.length; k++) {
          let t = hashes[k] & mask;
          while (table[t] >= 0) t = (t + 1) & mask;
          table[t] = k;
        }
      }
    }
    ids[i] = id;
  }
  return normalizeCategory({
    type: 'category',
    length: n,
    values: ids,
    dict: pickStrings(u, firsts),
    valid: u.valid,
  });
}

/** Whether bytes [a, ae) and [b, be) of `d` are the same. */
function sameBytes(d: Uint8Array, a: number, ae: number, b: number, be: number): boolean {
  if (ae - a !== be - b) return false;
  for (; a < ae; a++, b++) if (d[a] !== d[b]) return false;
  return true;
}

/** A category column as utf8. @internal */
export function decodeCategory(c: Cat): Utf8Col {
  const n = c.length;
  const d = c.dict;
  let bytes = 0;
  for (let i = 0; i < n; i++)
    if (isValid(c.valid, i)) bytes += d.offsets[c.values[i] + 1] - d.offsets[c.values[i]];
  const data = new Uint8Array(bytes);
  const offsets = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (isValid(c.valid, i)) {
      const s = d.offsets[c.values[i]];
      const e = d.offsets[c.values[i] + 1];
      data.set(d.data.subarray(s, e), pos);
      pos += e - s;
    }
    offsets[i + 1] = pos;
  }
  return { type: 'utf8', length: n, offsets, data, valid: c.valid };
}

/** A column with categories decoded to utf8 (others as they are). @internal */
export const plainCol = (c: Col): Col => (c.type === 'category' ? decodeCategory(c) : c);

/** Category (or utf8) columns concatenated, their dictionaries merged. @internal */
export function concatCategories(parts: readonly Col[]): Cat {
  const cats = parts.map((p) => (p.type === 'utf8' ? encodeCategory(p) : (p as Cat)));
  if (cats.length === 0)
    return {
      type: 'category',
      length: 0,
      values: new Int32Array(0),
      dict: { type: 'utf8', length: 0, offsets: new Int32Array(1), data: new Uint8Array(0) },
    };
  if (cats.length === 1) return cats[0];
  const shared = cats.every((c) => c.dict === cats[0].dict);
  const { dict, maps } = shared
    ? { dict: cats[0].dict, maps: [] }
    : mergeDicts(cats.map((c) => c.dict));
  const length = cats.reduce((n, c) => n + c.length, 0);
  const values = new Int32Array(length);
  let valid: Uint8Array | undefined;
  if (cats.some((c) => c.valid !== undefined)) valid = new Uint8Array((length + 7) >> 3);
  let at = 0;
  cats.forEach((c, p) => {
    if (shared) values.set(c.values, at);
    else values.set(remap(c, maps[p]), at);
    if (valid !== undefined)
      for (let i = 0; i < c.length; i++)
        if (isValid(c.valid, i)) valid[(at + i) >> 3] |= 1 << ((at + i) & 7);
    at += c.length;
  });
  return { type: 'category', length, values, dict, valid };
}

/** Codes of a category column into `categories` (sorted, a superset of its dictionary); -1 for nulls. @internal */
export function codesInto(c: Cat, categories: Utf8Col): Int32Array {
  const map = new Int32Array(c.dict.length);
  let j = 0;
  for (let i = 0; i < c.dict.length; i++) {
    while (j < categories.length && cmpUtf8(categories, j, c.dict, i) < 0) j++;
    map[i] = j;
  }
  const out = new Int32Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = isValid(c.valid, i) ? map[c.values[i]] : -1;
  return out;
}
