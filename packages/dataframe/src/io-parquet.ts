// readParquet: planned when called, read by tasks. Policy: each file's footer is read (only its
// last bytes) with hyparquet for row-group sizes and min/max statistics, and the first file's
// Arrow schema with parquet-wasm; files must share the schema. Both are kept per file stamp (path,
// size, modification time), so planning again over unchanged files parses nothing. One partition per file, or per row
// group with `splitRowGroups`. `filters` prune row groups whose statistics rule them out (and hive
// partitions whose directory value does), and also filter the rows that are read, exactly. Later,
// the optimizer moves row-wise steps into the reader: only the columns they need are read, and
// comparisons of a column with a literal in their filters prune row groups (a pruned partition
// reads nothing; the filter itself still runs on the rows that are read). Hive directories
// (`k=v/`) under a directory that was named become columns (after the file's), typed int32,
// float64 or utf8 from their values.
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { parquetWasm } from './io-wasm.js';
import { Type, tableFromIPC } from 'apache-arrow';
import { tokenize } from '@dask-ts/graph';
import type { DType, Schema } from './dtypes.js';
import { DataFrame } from './frame.js';
import {
  expandPaths,
  fileStamp,
  readTail,
  relativeTo,
  type ListedFile,
  type StorageOptions,
} from '@dask-ts/graph/fs';
import { schemaOfFields } from './io-arrow-cols.js';
import {
  filterExpr,
  mayMatch,
  normalizeFilters,
  stepFilters,
  type Filter,
  type Filters,
  type Stats,
} from './io-filters.js';
import { FileReadLayer } from './io-layer.js';
import type { ParquetPart } from './io-kernels.js';
import type { Step } from './steps.js';

/**
 * Options of {@link readParquet}.
 *
 * @example
 * const o: ReadParquetOptions = { columns: ['k', 'x'], filters: [['x', '>', 5]], splitRowGroups: true };
 */
export interface ReadParquetOptions {
  /** Only these columns (file or hive columns), in this order. */
  readonly columns?: readonly string[];
  /** Row filters: row groups they rule out are not read, and the rows read are filtered. */
  readonly filters?: Filters;
  /**
   * String columns to read as categories (Arrow dictionaries): the file's dictionary pages become
   * the categories, with no string decoded per row. Columns the file stores as Arrow dictionaries
   * are categories without asking.
   */
  readonly categories?: readonly string[];
  /** One partition per row group (default: one per file). */
  readonly splitRowGroups?: boolean;
  /** How to reach an S3-compatible store for `s3://` paths (default: the environment's). */
  readonly storageOptions?: StorageOptions;
}

/** A planned partition: what the task reads, and each of its row groups' statistics. */
interface PlannedPart {
  readonly part: ParquetPart;
  readonly groups: readonly {
    readonly index: number;
    readonly rows: number;
    readonly stats: Stats;
  }[];
}

const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

/**
 * Footers (and the first file's schema) parsed lately, by file stamp (path, size, modification
 * time): planning another query over the same unchanged files reads and parses no footer again.
 */
const parsed = new Map<string, { readonly md: FileMetaData; schema?: Schema }>();
const PARSED = 512;

/** The file's footer, parsed once per stamp. */
function cachedFooter(
  path: string,
  stamp: readonly [string, number, number],
  so: StorageOptions | undefined,
): { readonly md: FileMetaData; schema?: Schema } {
  const key = stamp.join('\0');
  const hit = parsed.get(key);
  if (hit !== undefined) return hit;
  const entry = { md: footer(path, so) };
  if (parsed.size >= PARSED) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, entry);
  return entry;
}

function footer(path: string, so: StorageOptions | undefined): FileMetaData {
  const where = `readParquet ${path}`;
  const [first, size] = readTail(path, 1 << 16, so);
  let tail = first;
  const bad = (why: string): Error => new Error(`${where}: not a Parquet file (${why})`);
  if (size < 12) throw bad(`${size} bytes`);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(tail.length - 4, true) !== 0x31524150) throw bad('no PAR1 footer');
  const need = view.getUint32(tail.length - 8, true) + 8;
  if (need > size) throw bad('footer length past the start of the file');
  if (need > tail.length) [tail] = readTail(path, need, so);
  try {
    return parquetMetadata(tail.subarray(tail.length - need));
  } catch (err) {
    throw bad(String(err));
  }
}

/** The file's schema; string columns the file stores as Arrow dictionaries are categories. */
function arrowSchema(path: string, md: FileMetaData, so: StorageOptions | undefined): Schema {
  const where = `readParquet ${path}`;
  const need = Number(md.metadata_length) + 8;
  const [tail] = readTail(path, need, so);
  try {
    const s = parquetWasm().readSchema(tail);
    const fields = tableFromIPC(s.intoIPCStream()).schema.fields;
    return schemaOfFields(fields, where).map(([n, t], i) =>
      t === 'utf8' && fields[i].type.typeId === Type.Dictionary ? [n, 'category'] : [n, t],
    );
  } catch (err) {
    if (err instanceof TypeError) throw err;
    throw new Error(`${where}: cannot read the schema (${String(err)})`);
  }
}

/** The schema with `categories` (string columns of the file) typed as categories. */
function withCategories(schema: Schema, categories: readonly string[], where: string): Schema {
  for (const c of categories) {
    const t = schema.find(([n]) => n === c)?.[1];
    if (t === undefined)
      throw new Error(
        `${where}: unknown column '${c}' in categories; the columns are ${schema.map(([n]) => `'${n}'`).join(', ')}`,
      );
    if (t !== 'utf8' && t !== 'category')
      throw new TypeError(
        `${where}: column '${c}' in categories is ${t}; only string columns can be read as categories`,
      );
  }
  return schema.map(([n, t]) => (categories.includes(n) ? [n, 'category'] : [n, t]));
}

function hiveOf(f: ListedFile): [string, string | null][] {
  if (f.root === undefined) return [];
  const dirs = relativeTo(f.root, f.path).split(/[\\/]/).slice(0, -1);
  return dirs
    .filter((d) => d.includes('='))
    .map((d) => {
      const [k, ...v] = d.split('=');
      const raw = v.join('=');
      return [k, raw === HIVE_NULL ? null : decodeURIComponent(raw)];
    });
}

function hiveType(values: readonly (string | null)[]): DType {
  const xs = values.filter((v): v is string => v !== null);
  if (xs.length > 0 && xs.every((v) => /^-?\d{1,9}$/.test(v))) return 'int32';
  if (xs.length > 0 && xs.every((v) => v.trim() !== '' && !Number.isNaN(Number(v))))
    return 'float64';
  return 'utf8';
}

function hiveStat(raw: string | null, t: DType): readonly [unknown, unknown] {
  const v = raw === null ? undefined : t === 'utf8' ? raw : Number(raw);
  return [v, v];
}

function groupStats(
  md: FileMetaData,
  g: number,
  hive: readonly (readonly [string, string | null])[],
  hiveTypes: ReadonlyMap<string, DType>,
): Stats {
  const stats = new Map<string, readonly [unknown, unknown]>();
  for (const c of md.row_groups[g].columns) {
    const s = c.meta_data?.statistics;
    const name = c.meta_data?.path_in_schema.join('.');
    if (s !== undefined && name !== undefined)
      stats.set(name, [s.min_value ?? s.min, s.max_value ?? s.max]);
  }
  for (const [k, raw] of hive) stats.set(k, hiveStat(raw, hiveTypes.get(k) ?? 'utf8'));
  return stats;
}

/** Each column chunk's byte range in row group `g`: [group, start, end]. */
function chunkRanges(md: FileMetaData, g: number): [number, number, number][] {
  return md.row_groups[g].columns.flatMap((c) => {
    const m = c.meta_data;
    if (m === undefined) return [];
    const dict =
      m.dictionary_page_offset === undefined ? undefined : Number(m.dictionary_page_offset);
    const start =
      dict !== undefined && dict > 0
        ? Math.min(dict, Number(m.data_page_offset))
        : Number(m.data_page_offset);
    return [[g, start, start + Number(m.total_compressed_size)]];
  });
}

/** The Parquet reader's layer: prunes row groups from the steps' filters. @internal */
class ParquetLayer extends FileReadLayer<ParquetPart> {
  constructor(
    name: string,
    readonly planned: readonly PlannedPart[],
    columns: readonly string[],
    types: readonly DType[],
    steps: readonly Step[],
    out: readonly string[],
  ) {
    super(
      name,
      'readParquet',
      planned.map((p) => p.part),
      columns,
      types,
      steps,
      out,
    );
  }

  protected override prunedParts(steps: readonly Step[]): readonly ParquetPart[] {
    const fs: Filter[] = stepFilters(steps);
    if (fs.length === 0) return this.parts;
    return this.planned.map(({ part, groups }) => {
      const keep = groups.filter((g) => mayMatch([fs], g.stats));
      if (keep.length === groups.length) return part;
      const idx = new Set(keep.map((g) => g.index));
      return {
        ...part,
        chunks: part.chunks.filter(([g]) => idx.has(g)),
        rowGroups: keep.map((g) => g.index),
        rows: keep.reduce((n, g) => n + g.rows, 0),
      };
    });
  }

  protected override remake(
    name: string,
    parts: readonly ParquetPart[],
    columns: readonly string[],
    steps: readonly Step[],
    out: readonly string[],
  ): FileReadLayer<ParquetPart> {
    const planned = this.planned.map((p, i) => ({
      part: parts[i],
      groups: p.groups.filter((g) => parts[i].rowGroups.includes(g.index)),
    }));
    const types = columns.map((c) => this.types[this.columns.indexOf(c)]);
    return new ParquetLayer(name, planned, columns, types, steps, out);
  }

  override describe(): string {
    const groups = this.parts.reduce((n, p) => n + p.rowGroups.length, 0);
    const files = new Set(this.parts.map((p) => p.path)).size;
    return `${super.describe()} (${files} files, ${groups} row groups)`;
  }
}

/**
 * A dataframe from Parquet files: a path, a directory (every file under it; `k=v` directories
 * become columns), a glob or a list of them, all with the same columns. Planned when called (the
 * footers are read for row-group sizes and statistics); read by tasks, one per file or, with
 * `splitRowGroups`, one per row group. `columns` reads only those; `filters` skips row groups
 * whose min/max statistics rule them out and filters the rows read. Later steps are pushed into
 * the reader by the optimizer: it reads only the columns a query uses, and a `filter` comparing a
 * column with a literal prunes row groups as `filters` do. Column types: float64, int32 (other
 * integer and float types become float64), bool, and utf8 (plain, large or dictionary-encoded).
 *
 * @example
 * const df = readParquet('data/', { columns: ['k', 'x'], filters: [['x', '>', 5]], splitRowGroups: true });
 */
export function readParquet(
  paths: string | readonly string[],
  options: ReadParquetOptions = {},
): DataFrame {
  const where = 'readParquet';
  const so = options.storageOptions;
  const files = expandPaths(paths, where, so);
  const stamps = files.map((f) => fileStamp(f.path, so));
  const entries = files.map((f, i) => cachedFooter(f.path, stamps[i], so));
  const metas = entries.map((e) => e.md);
  entries[0].schema ??= arrowSchema(files[0].path, metas[0], so);
  const fileSchema = withCategories(entries[0].schema, options.categories ?? [], where);
  const hives = files.map(hiveOf);
  const hiveNames = [...new Set(hives.flatMap((h) => h.map(([k]) => k)))].filter(
    (k) => !fileSchema.some(([n]) => n === k),
  );
  const hiveTypes = new Map(
    hiveNames.map((k) => [k, hiveType(hives.map((h) => new Map(h).get(k) ?? null))] as const),
  );
  const full: Schema = [...fileSchema, ...hiveNames.map((k) => [k, hiveTypes.get(k)!] as const)];
  const names = full.map(([n]) => n);
  for (const c of options.columns ?? [])
    if (!names.includes(c))
      throw new Error(
        `${where}: unknown column '${c}' in columns; the columns are ${names.map((n) => `'${n}'`).join(', ')}`,
      );
  const dnf = normalizeFilters(options.filters, full, where);
  const planned: PlannedPart[] = [];
  files.forEach((f, i) => {
    const md = metas[i];
    const hive = hives[i].filter(([k]) => hiveTypes.has(k));
    const groups = md.row_groups
      .map((rg, g) => ({
        index: g,
        rows: Number(rg.num_rows),
        stats: groupStats(md, g, hive, hiveTypes),
      }))
      .filter((g) => g.rows > 0 && mayMatch(dnf, g.stats));
    const size = stamps[i][1];
    const from = size - Number(md.metadata_length) - 8;
    const footerRange = [from, size] as const;
    const partOf = (gs: typeof groups): PlannedPart => ({
      part: {
        path: f.path,
        rowGroups: gs.map((g) => g.index),
        rows: gs.reduce((n, g) => n + g.rows, 0),
        footer: footerRange,
        chunks: gs.flatMap((g) => chunkRanges(md, g.index)),
        hive,
        ...(so === undefined ? {} : { storage: so }),
      },
      groups: gs,
    });
    if (options.splitRowGroups === true) for (const g of groups) planned.push(partOf([g]));
    else if (groups.length > 0 || dnf.length === 0) planned.push(partOf(groups));
  });
  // Every row group pruned: one empty partition keeps the schema.
  if (planned.length === 0)
    planned.push({
      part: { path: files[0].path, rowGroups: [], rows: 0, footer: [0, 0], chunks: [], hive: [] },
      groups: [],
    });
  const wanted = options.columns === undefined ? names : [...options.columns];
  // The filters' columns are read too, and dropped after filtering.
  const extra = [...new Set(dnf.flat().map(([c]) => c))].filter((c) => !wanted.includes(c));
  const columns = [...wanted, ...extra];
  const types = columns.map((c) => full.find(([n]) => n === c)![1]);
  const schema: Schema = columns.map((c, i) => [c, types[i]] as const);
  const token = tokenize(stamps, columns, dnf, options.splitRowGroups === true);
  const name = `read-parquet-${token}`;
  const read = new DataFrame(
    new ParquetLayer(name, planned, columns, types, [], columns),
    planned.length,
    schema,
  );
  const cond = filterExpr(dnf);
  if (cond === undefined) return read;
  const kept = read.filter(cond);
  return extra.length === 0 ? kept : kept.select(wanted);
}
