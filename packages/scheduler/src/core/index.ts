// The scheduling core's entry point for the runtime shells (sync, threads, processes) and the
// benchmark app: the pure `SchedulerCore` state machine, its event/command language, and the
// core-only throughput benchmark. Not part of the package's public index.
export { SchedulerCore, type SchedulerCoreOptions, type CoreCounts } from './core.js';
export { benchCore, type BenchCoreOptions, type BenchCoreResult } from './bench-core.js';
export type { WorkerId, CoreEvent, CoreCommand, ComputeItem, TaskState } from './events.js';
