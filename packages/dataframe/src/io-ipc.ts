// readArrowIpc: Arrow IPC files (`ARROW1` magic, random access) and streams, one partition per
// file. Policy: the schema comes from the first file's schema message (only its first bytes are
// read when planning); every file must hold those columns. Projection pushdown as for the other
// readers: a task decodes the whole file (IPC decoding is cheap, zero-copy) but keeps only the
// columns the query uses.
import { tokenize } from '@dask-ts/graph';
import type { Schema } from './dtypes.js';
import { DataFrame } from './frame.js';
import { RecordBatchReader, type Field } from 'apache-arrow';
import {
  expandPaths,
  fileStamp,
  readRange,
  readTail,
  readWhole,
  type StorageOptions,
} from '@dask-ts/graph/fs';
import type { IpcPart } from './io-kernels.js';
import { schemaOfFields } from './io-arrow-cols.js';
import { FileReadLayer } from './io-layer.js';

function schemaOf(bytes: Uint8Array): Field[] | undefined {
  const reader = RecordBatchReader.from(bytes);
  reader.open();
  return reader.schema?.fields;
}

/**
 * The schema of an Arrow IPC file or stream, reading little of it: a stream's schema message is
 * at its start; a file's schema is in its footer (the magic, the footer and its length at the end),
 * read with the file's first bytes; the whole file only when that is not enough (dictionaries).
 */
function ipcSchemaFields(path: string, where: string, so: StorageOptions | undefined): Field[] {
  const head = readRange(path, 0, 1 << 16, so);
  const isFile = new TextDecoder().decode(head.subarray(0, 6)) === 'ARROW1';
  const attempts: (() => Uint8Array)[] = [() => readWhole(path, so)];
  if (isFile) {
    const [end] = readTail(path, 10, so);
    if (end.length === 10) {
      const len = new DataView(end.buffer, end.byteOffset, 4).getInt32(0, true);
      attempts.unshift(() => {
        const [tail] = readTail(path, len + 10, so);
        const bytes = new Uint8Array(8 + tail.length);
        bytes.set(head.subarray(0, 8));
        bytes.set(tail, 8);
        return bytes;
      });
    }
  } else if (head.length === 1 << 16) attempts.unshift(() => head);
  let last: unknown;
  for (const bytes of attempts) {
    try {
      const fields = schemaOf(bytes());
      if (fields !== undefined) return fields;
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`${where}: not an Arrow IPC file or stream (${String(last ?? 'no schema')})`);
}

/**
 * Options of {@link readArrowIpc}.
 *
 * @example
 * const o: ReadArrowIpcOptions = { columns: ['a'] };
 */
export interface ReadArrowIpcOptions {
  /** Only these columns, in this order. */
  readonly columns?: readonly string[];
  /** How to reach an S3-compatible store for `s3://` paths (default: the environment's). */
  readonly storageOptions?: StorageOptions;
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
  const so = options.storageOptions;
  const files = expandPaths(paths, where, so).map((f) => f.path);
  const first = files[0];
  const fields = ipcSchemaFields(first, `${where} ${first}`, so);
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
  const stamps = files.map((f) => fileStamp(f, so));
  const name = `read-arrow-ipc-${tokenize(stamps, columns)}`;
  const parts: IpcPart[] = files.map((path) =>
    so === undefined ? { path } : { path, storage: so },
  );
  return new DataFrame(
    new FileReadLayer(name, 'readIpc', parts, columns, types, [], columns),
    files.length,
    schema,
  );
}
