// readArrowIpc: Arrow IPC files (`ARROW1` magic, random access) and streams, one partition per
// file. Policy: the schema comes from the first file's schema message (only its first bytes are
// read when planning); every file must hold those columns. Projection pushdown as for the other
// readers: a task decodes the whole file (IPC decoding is cheap, zero-copy) but keeps only the
// columns the query uses.
import { tokenize } from '@dask-ts/graph';
import type { Schema } from './dtypes.js';
import { DataFrame } from './frame.js';
import { expandPaths, fileStamp, readRange } from './fs-local.js';
import { schemaOfFields } from './io-arrow-cols.js';
import { ipcSchemaFields } from './io-kernels.js';
import { FileReadLayer } from './io-layer.js';

/**
 * Options of {@link readArrowIpc}.
 *
 * @example
 * const o: ReadArrowIpcOptions = { columns: ['a'] };
 */
export interface ReadArrowIpcOptions {
  /** Only these columns, in this order. */
  readonly columns?: readonly string[];
}

/**
 * A dataframe from Arrow IPC files or streams (a path, a directory, a glob or a list), one
 * partition per file. Types: float64, int32, bool, utf8; other integers and floats become
 * float64, large and dictionary-encoded strings utf8.
 *
 * @example
 * const df = readArrowIpc('out/*.arrow');
 */
export function readArrowIpc(
  paths: string | readonly string[],
  options: ReadArrowIpcOptions = {},
): DataFrame {
  const where = 'readArrowIpc';
  const files = expandPaths(paths, where).map((f) => f.path);
  const first = files[0];
  let fields = undefined;
  for (let n = 1 << 16; fields === undefined; n *= 4) {
    const head = readRange(first, 0, n);
    try {
      fields = ipcSchemaFields(head, `${where} ${first}`);
    } catch (err) {
      if (head.length < n) throw err;
    }
  }
  const full = schemaOfFields(fields, `${where} ${first}`);
  const names = full.map(([c]) => c);
  for (const c of options.columns ?? [])
    if (!names.includes(c))
      throw new Error(
        `${where}: unknown column '${c}' in columns; the columns are ${names.map((x) => `'${x}'`).join(', ')}`,
      );
  const columns = options.columns === undefined ? names : [...options.columns];
  const schema: Schema = columns.map((c) => full.find(([n]) => n === c)!);
  const types = schema.map(([, t]) => t);
  const name = `read-arrow-ipc-${tokenize(files.map(fileStamp), columns)}`;
  return new DataFrame(
    new FileReadLayer(name, 'readIpc', files, columns, types, [], columns),
    files.length,
    schema,
  );
}
