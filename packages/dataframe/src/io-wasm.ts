// parquet-wasm, loaded on first use: the Parquet reader decodes in JavaScript (io-parquet-js.ts)
// and needs parquet-wasm only for what that path does not read, for writing, and for the Arrow
// schema a file carries; a worker or a plan that never does those never compiles the module.
import { createRequire } from 'node:module';

/** The parquet-wasm module (its Node build). @internal */
export type ParquetWasm = typeof import('parquet-wasm/node');

let loaded: ParquetWasm | undefined;

/** parquet-wasm, loaded (synchronously) the first time it is asked for. @internal */
export function parquetWasm(): ParquetWasm {
  loaded ??= createRequire(import.meta.url)('parquet-wasm/node') as ParquetWasm;
  return loaded;
}
