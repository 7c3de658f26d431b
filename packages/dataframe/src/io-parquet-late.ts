// Late materialization in the Parquet reader: when the first step the optimizer moved into a read
// is a filter, the columns the filter reads are decoded first, the filter runs on them
// (eval-filter.ts), and the part's other columns are decoded for the kept rows only
// (io-parquet-rows.ts): pages with no kept row are not even decompressed, and a row group with
// none is not read from the disk. The filter's `and`-ed parts run one column at a time: the parts
// reading one column first, grouped by column in the order their columns first appear, then those
// reading several (a comparison of two columns decodes both, so it runs on the rows the cheaper
// parts kept: TPC-H Q12's `l_commitdate < l_receiptdate` after its receipt-date range); each
// column is decoded (for the rows still kept) when the first part reading it comes up, and the
// leading parts on one column are tested on its dictionary instead (io-parquet-where.ts). The
// order cannot change the rows kept: a row is kept when every part is true. Policy: only
// where the JavaScript reader reads every column, the filter reads file columns only (not hive
// ones) and some column is left to defer; anything else (or a file the JavaScript reader cannot
// read) takes the ordinary path. The filter's own
// columns are kept (gathered to the kept rows) only when a later step reads them.
import { columnsOf, type ExprSpec } from './expr.js';
import type { Col } from './columns.js';
import type { DType } from './dtypes.js';
import { conjuncts, filterRows } from './eval-filter.js';
import { readColumnsJs, selectRowsJs } from './io-parquet-js.js';
import type { DictTest } from './io-parquet-where.js';
import { Unsupported } from './io-parquet-pages.js';
import { liveAfter, type Step } from './steps.js';
import { take } from './take.js';

/** Where a Parquet read task reads from: the part's file, footer and row groups. @internal */
export interface LatePart {
  readonly path: string;
  readonly rowGroups: readonly number[];
  readonly footer: readonly [number, number];
  readonly storage?: Parameters<typeof readColumnsJs>[5];
}

/** A late read's file columns (the filter's columns no later step reads are left out). @internal */
export interface LateRead {
  readonly cols: Map<string, Col>;
  readonly rows: number;
  /** The steps still to apply (the filter has run). */
  readonly steps: readonly Step[];
}

/**
 * Reads file columns `fileCols` (typed `fileTypes`) of `part`, filtered by `steps[0]`, or
 * undefined when late materialization does not apply. Errors other than `Unsupported` are
 * thrown. @internal
 */
export function readLate(
  part: LatePart,
  steps: readonly Step[],
  fileCols: readonly string[],
  fileTypes: readonly DType[],
): LateRead | undefined {
  const first = steps[0];
  if (first?.op !== 'filter' || part.rowGroups.length === 0) return undefined;
  const need = columnsOf(first.expr);
  if ([...need].some((c) => !fileCols.includes(c))) return undefined;
  const rest = fileCols.filter((c) => !need.has(c));
  if (rest.length === 0) return undefined;
  const typeOf = (c: string): DType => fileTypes[fileCols.indexOf(c)];
  const filterCols = fileCols.filter((c) => need.has(c));
  const src: Source = {
    typeOf,
    read: (names, sel) =>
      readColumnsJs(
        part.path,
        part.footer,
        part.rowGroups,
        names,
        names.map(typeOf),
        part.storage,
        sel,
      ),
    pick: (name, keep) =>
      selectRowsJs(part.path, part.footer, part.rowGroups, name, typeOf(name), part.storage, keep),
  };
  try {
    return filterThenRead(first.expr, filterCols, rest, fileCols, liveAfter(steps)[0], src, steps);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** The part's columns: some rows of some columns, or the rows where a column passes a test. */
interface Source {
  typeOf(name: string): DType;
  read(names: readonly string[], sel?: Int32Array): [Map<string, Col>, number];
  pick(name: string, keep: DictTest): Int32Array;
}

/** The column types whose dictionaries io-parquet-where.ts tests. */
const DICT_TYPES: ReadonlySet<DType> = new Set([
  'float64',
  'int32',
  'date32',
  'timestamp',
  'utf8',
  'category',
]);

/**
 * The leading parts that read one column only: they can run on its dictionary
 * (io-parquet-where.ts). The column itself is decoded later, for the kept rows, if a later part
 * or step reads it.
 */
function dictHead(
  parts: readonly ExprSpec[],
  typeOf: (c: string) => DType,
): { readonly col: string; readonly count: number } | undefined {
  if (parts.length === 0) return undefined;
  const cols = [...columnsOf(parts[0])];
  if (cols.length !== 1 || !DICT_TYPES.has(typeOf(cols[0]))) return undefined;
  const c = cols[0];
  let count = 0;
  while (count < parts.length) {
    const used = columnsOf(parts[count]);
    if (used.size !== 1 || !used.has(c)) break;
    count++;
  }
  return { col: c, count };
}

/** The test of dictionary entries: the condition evaluated on them as a column named `c`. */
const dictTest =
  (cond: ExprSpec, c: string): DictTest =>
  (dict) => {
    const idx = filterRows(cond, new Map([[c, dict]]), dict.length);
    const pass = new Uint8Array(dict.length);
    if (idx === undefined) pass.fill(1);
    else for (let k = 0; k < idx.length; k++) pass[idx[k]] = 1;
    return pass;
  };

/**
 * The parts in the order they run: those reading one column (grouped by column, the columns in
 * the order they first appear), then the rest (literal-only and multi-column parts), each group
 * in the order written. @internal
 */
export function runOrder(parts: readonly ExprSpec[]): ExprSpec[] {
  const byCol = new Map<string, ExprSpec[]>();
  const rest: ExprSpec[] = [];
  for (const p of parts) {
    const cols = columnsOf(p);
    if (cols.size !== 1) {
      rest.push(p);
      continue;
    }
    const [c] = cols;
    const group = byCol.get(c);
    if (group === undefined) byCol.set(c, [p]);
    else group.push(p);
  }
  return [...[...byCol.values()].flat(), ...rest];
}

const and = (parts: readonly ExprSpec[]): ExprSpec =>
  parts.reduce((l, r) => ({ k: 'bin', op: 'and', l, r }));

/**
 * The filter's parts run in `runOrder`, each as soon as its columns are decoded; a column
 * is decoded (for the rows still kept) when the first part that reads it comes up. The rows kept
 * so far are `sel` (part rows) and the decoded columns hold those rows only.
 */
function filterThenRead(
  cond: ExprSpec,
  filterCols: readonly string[],
  rest: readonly string[],
  fileCols: readonly string[],
  live: ReadonlySet<string> | undefined,
  src: Source,
  steps: readonly Step[],
): LateRead {
  const read = src.read;
  const parts = runOrder(conjuncts(cond));
  let sel: Int32Array | undefined;
  let rows = -1;
  let start = 0;
  // Leading parts on one column: run on its dictionary, no value decoded.
  const head = dictHead(parts, src.typeOf);
  if (head !== undefined) {
    try {
      sel = src.pick(head.col, dictTest(and(parts.slice(0, head.count)), head.col));
      rows = sel.length;
      start = head.count;
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
    }
  }
  let cur = new Map<string, Col>();
  let batch: ExprSpec[] = [];
  const flush = (later: readonly ExprSpec[]): void => {
    if (batch.length === 0) return;
    // Parts that read no column (literals) before any that does: the part's row count.
    if (rows < 0) rows = read([])[1];
    const pos = filterRows(and(batch), cur, rows);
    batch = [];
    if (pos === undefined) return;
    sel = sel === undefined ? pos : gather(sel, pos);
    rows = pos.length;
    // Only the columns a later part or a later step reads go on.
    const keep = new Set<string>();
    for (const p of later) columnsOf(p, keep);
    const next = new Map<string, Col>();
    for (const [name, c] of cur)
      if (keep.has(name) || live === undefined || live.has(name)) next.set(name, take(c, pos));
    cur = next;
  };
  for (const [k, p] of parts.entries()) {
    if (k < start) continue;
    const missing = [...columnsOf(p)].filter((c) => !cur.has(c));
    if (missing.length > 0) {
      flush(parts.slice(k));
      if (rows === 0) break;
      const [got, n] = read(
        filterCols.filter((c) => missing.includes(c)),
        sel,
      );
      rows = n;
      for (const [name, c] of got) cur.set(name, c);
    }
    batch.push(p);
  }
  flush([]);
  // The other columns, and the filter's columns never decoded (no row was left for them) that a
  // later step reads.
  const wanted = (c: string): boolean => live === undefined || live.has(c);
  const unread = filterCols.filter((c) => !cur.has(c) && wanted(c));
  const [rc, kept] = read([...rest, ...unread], sel);
  const cols = new Map<string, Col>();
  for (const c of fileCols) {
    const col = rc.get(c) ?? cur.get(c);
    if (col !== undefined && (rc.has(c) || wanted(c))) cols.set(c, col);
  }
  return { cols, rows: kept, steps: steps.slice(1) };
}

/** `sel[pos[k]]` for every k: positions among the kept rows, as part rows. */
function gather(sel: Int32Array, pos: Int32Array): Int32Array {
  const out = new Int32Array(pos.length);
  for (let k = 0; k < pos.length; k++) out[k] = sel[pos[k]];
  return out;
}
