// A module that defines a class and registers it, as a user's module would: workers import it on
// demand to decode Points (class-codecs.test.ts). Also a class without a codec, and tasks that
// compute or start pools inside a worker (they must run on sync, or be refused).
import { registerClass, isInsideWorker, getScheduler } from '@dask-ts/protocol';

export class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
  norm() {
    return Math.hypot(this.x, this.y);
  }
}
registerClass(Point, { module: import.meta.url });

/** A class nothing registers: it crosses as a plain object, with a warning. */
export class Unregistered {
  constructor(v) {
    this.v = v;
  }
}

export function makePoint(x, y) {
  return new Point(x, y);
}

export function makePoints(n) {
  return {
    list: Array.from({ length: n }, (_, i) => new Point(i, i)),
    at: new Map([['p', new Point(3, 4)]]),
  };
}

/** What a task sees of its argument: whether it arrived as a Point. */
export function inspect(p) {
  return {
    isPoint: p instanceof Point,
    norm: p instanceof Point ? p.norm() : null,
    inWorker: isInsideWorker(),
  };
}

export function makeUnregistered(v) {
  return new Unregistered(v);
}

/** A task that computes: inside a worker this must run on sync, spawning nothing. */
export async function nestedCompute(n) {
  const { delayed, compute } = await import('@dask-ts/graph');
  await import('@dask-ts/scheduler');
  const [value] = await compute(delayed((x) => x + 1)(n));
  return { value, scheduler: getScheduler().name, inWorker: isInsideWorker(), pid: process.pid };
}

/** A task that starts a pool explicitly: refused inside a worker. */
export async function explicitPool(kind) {
  const scheduler = await import('@dask-ts/scheduler');
  const { delayed, compute } = await import('@dask-ts/graph');
  const pool =
    kind === 'processes'
      ? scheduler.createProcessesScheduler({ workers: 1 })
      : scheduler.createThreadsScheduler({ workers: 1 });
  try {
    return await compute(delayed((x) => x * 2)(21), { scheduler: pool });
  } finally {
    await pool.close();
  }
}
