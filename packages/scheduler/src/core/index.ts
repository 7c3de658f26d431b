// The scheduling core's entry point for the runtime shells (threads, processes) and the package
// index: the pure `SchedulerCore` state machine and its event/command language.
export { SchedulerCore, type SchedulerCoreOptions, type CoreCounts } from './core.js';
export type { WorkerId, CoreEvent, CoreCommand, TaskState } from './events.js';
export type { Waits } from './waits.js';
