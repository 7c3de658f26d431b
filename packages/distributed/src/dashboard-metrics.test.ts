// The Prometheus text of a status (metricsText, a pure function): each worker's memory as its node
// reported it (bytes managed in memory, spilled, the limit, resident memory, paused), only for
// workers with a limit, and the tasks that do not run by why they wait.
import { describe, expect, it } from '@jest/globals';
import { metricsText, type SchedulerStatus } from './dashboard.js';

const status: SchedulerStatus = {
  address: 'tcp://127.0.0.1:1',
  workers: [
    {
      name: 'w-0',
      ready: true,
      processing: 2,
      memoryTasks: 3,
      memoryBytes: 300,
      paused: true,
      memory: { paused: true, rss: 9e8, limit: 1e9, held: 5e8, spilled: 2e8 },
    },
    { name: 'w-1', ready: true, processing: 0, memoryTasks: 0, memoryBytes: 0 },
  ],
  clients: 1,
  tasks: { waiting: 4, processing: 2, memory: 3, erred: 0 },
  taskGroups: [],
  transitions: {},
  waits: {
    inputs: 4,
    admission: 7,
    unmatched: 0,
    noRoom: 1,
    noWorkers: 0,
    paused: 0,
    busy: 2,
    example: { inputs: 'sum-1', admission: 'load-9' },
  },
  dropped: 0,
  refused: 0,
};

/** `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('metricsText', () => {
  it("has each limited worker's memory and why tasks wait", () => {
    const m = samples(metricsText(status));
    expect(m.get('dask_ts_worker_managed_bytes{worker="w-0"}')).toBe(5e8);
    expect(m.get('dask_ts_worker_spilled_bytes{worker="w-0"}')).toBe(2e8);
    expect(m.get('dask_ts_worker_memory_limit_bytes{worker="w-0"}')).toBe(1e9);
    expect(m.get('dask_ts_worker_rss_bytes{worker="w-0"}')).toBe(9e8);
    expect(m.get('dask_ts_worker_paused{worker="w-0"}')).toBe(1);
    // A worker without a limit reports no memory.
    expect(m.has('dask_ts_worker_paused{worker="w-1"}')).toBe(false);
    expect(m.get('dask_ts_scheduler_waiting_tasks{reason="inputs"}')).toBe(4);
    expect(m.get('dask_ts_scheduler_waiting_tasks{reason="admission"}')).toBe(7);
    expect(m.get('dask_ts_scheduler_waiting_tasks{reason="noRoom"}')).toBe(1);
    expect(m.get('dask_ts_scheduler_waiting_tasks{reason="busy"}')).toBe(2);
  }, 10_000);

  it('leaves out what a status does not have', () => {
    const text = metricsText({ ...status, workers: [], waits: undefined });
    expect(text).not.toMatch(/dask_ts_worker_paused|dask_ts_scheduler_waiting_tasks/);
    expect(text).toMatch(/^# HELP dask_ts_scheduler_workers /);
  }, 10_000);
});
