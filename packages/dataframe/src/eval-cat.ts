// Row-wise functions of a category column computed on its dictionary: a comparison with a
// literal, `isin` or a string function runs once per category, then its results are gathered by
// code (rows that are null stay null). A category column of a million rows and a few thousand
// categories costs a few thousand string operations and one gather, not a million decodes.
import { isValid, type Col } from './columns.js';
import { decodeCategory, mergeDicts } from './columns-cat.js';
import { take } from './take.js';

type Cat = Extract<Col, { type: 'category' }>;

/** `f` of a category column's strings, computed on its dictionary and gathered by code. @internal */
export function viaDict(c: Cat, f: (dict: Col) => Col): Col {
  const n = c.length;
  const m = c.dict.length;
  // No categories: every row is null; the plain path gives the result its type.
  if (m === 0) return f(decodeCategory(c));
  const r = f(c.dict);
  const codes = c.values;
  // Without nulls the codes are the rows to gather; a null row's code may be anything: 0 then.
  let idx = codes;
  if (c.valid !== undefined) {
    idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = isValid(c.valid, i) ? codes[i] : 0;
  }
  const out = take(r, idx);
  if (c.valid === undefined) return out;
  if (out.valid === undefined) return { ...out, valid: c.valid };
  const valid = new Uint8Array(out.valid.length);
  for (let i = 0; i < valid.length; i++) valid[i] = out.valid[i] & c.valid[i];
  return { ...out, valid };
}

/**
 * Two category columns compared row by row (`op` a comparison): their dictionaries are merged
 * once and the codes compared, since codes into one sorted dictionary order as the strings do.
 * @internal
 */
export function compareCats(op: string, a: Cat, b: Cat, n: number): Col {
  const { maps } = mergeDicts([a.dict, b.dict]);
  const [ma, mb] = maps;
  const x = a.values;
  const y = b.values;
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = ma[x[i]] ?? 0;
    const q = mb[y[i]] ?? 0;
    values[i] =
      op === 'eq'
        ? +(p === q)
        : op === 'ne'
          ? +(p !== q)
          : op === 'lt'
            ? +(p < q)
            : op === 'le'
              ? +(p <= q)
              : op === 'gt'
                ? +(p > q)
                : +(p >= q);
  }
  let valid: Uint8Array | undefined = a.valid ?? b.valid;
  if (a.valid !== undefined && b.valid !== undefined) {
    valid = new Uint8Array(a.valid.length);
    for (let i = 0; i < valid.length; i++) valid[i] = a.valid[i] & b.valid[i];
  }
  return { type: 'bool', length: n, values, valid };
}
