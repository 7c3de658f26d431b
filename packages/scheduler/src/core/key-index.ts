// The task table's key-to-id index is the graph interner's (@dask-ts/graph's interner.ts): an
// open-addressing table of ids built lazily, so a compute whose events arrive in the order their
// tasks were sent never hashes its keys.
export { KeyIndex } from '@dask-ts/graph';
