// The scheduler's HTTP side on loopback: /status.json, /metrics (parsed as Prometheus text) and
// the /events stream of task transitions, while a client computes on an in-process worker node.
import { afterAll, describe, expect, it } from '@jest/globals';
import { get, type IncomingMessage } from 'node:http';
import { Client } from './index.js';
import {
  startScheduler,
  startWorker,
  type SchedulerStatus,
  type Transition,
} from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

function request(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, resolve);
    req.on('error', reject);
  });
}

async function text(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await request(url);
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode ?? 0, type: String(res.headers['content-type']), body };
}

/** Prometheus text: `name{labels} value` lines, comments skipped; throws on a malformed line. */
function parseMetrics(body: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+]+)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample: ${line}`);
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

describe('the dashboard', () => {
  it('serves status, metrics and a stream of transitions', async () => {
    await expect(startScheduler({ dashboardPort: -2 })).rejects.toThrow(
      /dashboardPort must be an integer from 0/,
    );
    const server = await startScheduler({ dashboardPort: 0, log: quiet });
    const base = server.dashboardAddress;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const node = await startWorker(server.address, { nthreads: 2, name: 'dash', log: quiet });
    const client = await Client.connect(server.address, { asDefault: false });

    const stream = await request(`${base}/events`);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    let raw = '';
    stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    const events = (): Transition[] =>
      raw
        .split('\n\n')
        .filter((block) => block.startsWith('event: transition\n'))
        .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Transition);

    const out = await client.gather(client.map((x: number) => x * 2, [...Array(20).keys()]));
    expect(out[19]).toBe(38);

    const status = await text(`${base}/status.json`);
    expect(status.status).toBe(200);
    expect(status.type).toBe('application/json');
    const s = JSON.parse(status.body) as SchedulerStatus;
    expect(s.address).toBe(server.address);
    expect(s.workers.map((w) => w.name).sort()).toEqual(['dash-0', 'dash-1']);
    expect(s.clients).toBe(1);
    const group = s.taskGroups.find((g) => g.total === 20);
    expect(group).toMatchObject({ done: 20, progress: 1, waiting: 0, processing: 0 });
    expect(s.transitions.memory).toBeGreaterThanOrEqual(20);
    expect(Object.keys(s.tasks).sort()).toEqual(['erred', 'memory', 'processing', 'waiting']);
    // Nothing waits any more, for any reason.
    expect(s.waits).toMatchObject({ inputs: 0, admission: 0, unmatched: 0, paused: 0, busy: 0 });

    const metrics = await text(`${base}/metrics`);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(metrics.body);
    expect(m.get('dask_ts_scheduler_workers')).toBe(2);
    expect(m.get('dask_ts_scheduler_clients')).toBe(1);
    expect(m.get('dask_ts_scheduler_transitions_total{to="memory"}')).toBeGreaterThanOrEqual(20);
    expect(m.has('dask_ts_worker_memory_bytes{worker="dash-0"}')).toBe(true);
    expect(m.get('dask_ts_scheduler_waiting_tasks{reason="admission"}')).toBe(0);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);

    // Every task went waiting -> processing -> memory, on a worker, in that order.
    await eventually(
      () => events().filter((e) => e.to === 'memory' && e.group === group?.name).length === 20,
      10_000,
      'twenty transitions to memory on the stream',
    );
    const first = events().find((e) => e.group === group?.name);
    const story = events()
      .filter((e) => e.key === first?.key)
      .map((e) => `${e.from}>${e.to}`);
    expect(story.slice(0, 3)).toEqual([
      'released>waiting',
      'waiting>processing',
      'processing>memory',
    ]);
    expect(events().find((e) => e.to === 'processing')?.worker).toMatch(/^dash-[01]$/);

    const missing = await text(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/GET \/status.json, GET \/metrics or GET \/events/);

    await client.close();
    await node.close();
    const ended = new Promise((resolve) => stream.once('end', resolve));
    await server.close();
    await ended; // closing the server ends the stream
  });

  it('is served by Client.local with dashboardPort', async () => {
    const client = await Client.local({ nWorkers: 1, asDefault: false, dashboardPort: 0 });
    try {
      const base = client.localCluster?.server.dashboardAddress;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Client.local resolves once its workers are connected.
      expect(await client.submit((x: number) => x + 1, 1)).toBe(2);
      const s = JSON.parse((await text(`${base}/status.json`)).body) as SchedulerStatus;
      expect(s.workers).toHaveLength(1);
      expect(s.clients).toBe(1);
    } finally {
      await client.close();
    }
  });
});
