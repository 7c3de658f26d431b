// The core's invariants as code, checked in O(tasks + edges) by `SchedulerCore.validate()` (tests
// run it after every `handle`). Each violation throws an error naming the key, its state, the
// broken invariant and the key's story.
import type { SchedulerCore } from './core.js';
import { DELIVERED, PENDING } from './submission.js';
import { ERRED, MEMORY, ORPHAN, PROCESSING, READY, STATE_NAMES, WAITING } from './task-table.js';

/** Throws on the first broken invariant of `core`. */
export function validateCore(core: SchedulerCore): void {
  const t = core.t;
  const wt = core.w;
  const n = t.size;
  const fail = (id: number, msg: string): never => {
    throw new Error(
      `Invariant broken for ${t.keys[id]} (${STATE_NAMES[t.state[id]]}): ${msg}\nStory of ${t.keys[id]}:\n  ${core.story(t.keys[id]).join('\n  ')}`,
    );
  };
  const remaining = new Int32Array(n);
  const wantPending = new Int32Array(n);
  const occ = new Array<number>(wt.names.length).fill(0);
  const counts = new Int32Array(8);
  const parked = new Set(core.rules.parkedIds());
  core.rules.check(
    (id, msg) => fail(id, msg),
    (id) => t.state[id] === PROCESSING || t.state[id] === ORPHAN,
  );
  for (const sub of core.subs.values()) {
    for (let i = 0; i < sub.wanted.length; i++)
      if (sub.status[i] === PENDING) wantPending[sub.wanted[i]]++;
    let undelivered = 0;
    for (let i = 0; i < sub.wanted.length; i++) if (sub.status[i] !== DELIVERED) undelivered++;
    if (undelivered !== sub.undelivered)
      throw new Error(
        `Invariant broken for submission ${sub.id}: undelivered count ${sub.undelivered}, actual ${undelivered}`,
      );
  }
  for (let id = 0; id < n; id++) {
    const s = t.state[id];
    counts[s]++;
    // An active task holds its inputs (see transition-table.ts).
    const active = s === WAITING || s === READY || s === PROCESSING || s === ORPHAN;
    if (active)
      t.forEachDependency(id, (d) => {
        remaining[d]++;
      });
  }
  for (let s = 0; s < 8; s++) {
    if (counts[s] !== t.stateCounts[s])
      throw new Error(
        `Invariant broken: ${counts[s]} tasks ${STATE_NAMES[s]}, but counted ${t.stateCounts[s]}`,
      );
  }
  for (let id = 0; id < n; id++) {
    const s = t.state[id];
    if (remaining[id] !== t.remaining[id])
      fail(id, `${remaining[id]} dependents hold it, but counted ${t.remaining[id]}`);
    if (wantPending[id] !== t.wantPending[id])
      fail(id, `${wantPending[id]} computes wait for it, but counted ${t.wantPending[id]}`);
    const held = core.wants.has(id);
    const needed = remaining[id] > 0 || wantPending[id] > 0 || held;
    let notInMemory = 0;
    t.forEachDependency(id, (d) => {
      if (t.state[d] !== MEMORY) notInMemory++;
    });
    switch (s) {
      case WAITING:
        if (!needed) fail(id, 'waiting but not needed');
        if (t.waitCount[id] !== notInMemory || notInMemory === 0)
          fail(
            id,
            `waiting on ${t.waitCount[id]}, but ${notInMemory} dependencies are not in memory`,
          );
        break;
      case READY:
        if (!needed) fail(id, 'ready but not needed');
        if (notInMemory !== 0) fail(id, `ready, but ${notInMemory} dependencies are not in memory`);
        if (t.inHeap[id] !== 1 && !parked.has(id))
          fail(id, 'ready but neither in the ready heap nor parked');
        break;
      case PROCESSING:
      case ORPHAN: {
        if (needed !== (s === PROCESSING))
          fail(id, needed ? 'orphan but needed' : 'processing but not needed');
        const w = t.procWorker[id];
        if (w < 0 || !wt.alive[w])
          fail(id, `processing on a dead or no worker (${wt.names[w] ?? w})`);
        if (t.coAssigned[id] === 0) occ[w]++;
        // Inputs not in memory were co-assigned before it on the same worker (running there, or
        // failed there: then the worker reports this task erred too).
        t.forEachDependency(id, (d) => {
          const sd = t.state[d];
          if ((sd === PROCESSING || sd === ORPHAN) && t.procWorker[d] !== w) {
            fail(
              id,
              `processing on ${wt.names[w]}, but input ${t.keys[d]} runs on ${wt.names[t.procWorker[d]]}`,
            );
          }
          if (s === PROCESSING && sd === WAITING)
            fail(id, `processing, but input ${t.keys[d]} is waiting`);
        });
        break;
      }
      case MEMORY: {
        if (!needed) fail(id, 'in memory but nobody needs it (leak)');
        const hs = t.holders(id);
        if (hs.length === 0) fail(id, 'in memory without a holder');
        for (const h of hs) if (!wt.alive[h]) fail(id, `held by removed worker ${wt.names[h]}`);
        break;
      }
      default:
        if (t.coAssigned[id] !== 0) fail(id, 'marked co-assigned but not running');
        // A client may hold an erred key (its future reports the error).
        if (needed && !(s === ERRED && held && remaining[id] === 0 && wantPending[id] === 0))
          fail(
            id,
            `${STATE_NAMES[s]} but still needed (${wantPending[id]} computes, ${remaining[id]} dependents, ${held ? 'held' : 'not held'})`,
          );
        if (t.holder0[id] !== -1) fail(id, 'has a holder but is not in memory');
        if (s === ERRED && !t.errors.has(id)) fail(id, 'erred without an error');
    }
  }
  let free = 0;
  for (let w = 0; w < wt.names.length; w++) {
    if (wt.occ[w] !== occ[w])
      throw new Error(
        `Invariant broken for worker ${wt.names[w]}: occupancy ${wt.occ[w]}, but ${occ[w]} tasks run there`,
      );
    if (wt.alive[w] && occ[w] < wt.cap[w]) free++;
  }
  if (free !== wt.freeCount)
    throw new Error(`Invariant broken: ${free} workers have room, but counted ${wt.freeCount}`);
  if (wt.freeCount > 0) {
    for (const id of core.heap.ids())
      if (t.state[id] === READY) fail(id, 'ready while a worker has room');
  }
  const adm = core.admission;
  if (adm.queue.size > 0 && (adm.paced() ? adm.anyRoom(wt) : wt.freeCount > 0)) {
    for (const id of adm.queue.ids())
      if (t.state[id] === READY) fail(id, 'held back for admission while a worker has room for it');
  }
  for (const [id, n] of core.wants) {
    if (!(id >= 0 && id < t.size) || !(n > 0)) {
      throw new Error(`Invariant broken: a client hold on task #${id} (${n} holds) of ${t.size}`);
    }
  }
  for (const [id, subs] of core.wantedBy) {
    for (const sub of subs)
      if (core.subs.get(sub.id) !== sub) fail(id, `wanted by ended compute ${sub.id}`);
  }
}
