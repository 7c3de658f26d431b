// 100,000 random frames at a scheduler server over real ZeroMQ sockets, half from a stranger that
// never said hello and half from a peer that did, sent in batches without waiting for each, while
// a client keeps computing: every frame is refused or dropped, the log stays short, and the
// client is served throughout.
import { afterAll, describe, expect, it } from '@jest/globals';
import { Dealer } from 'zeromq';
import { delayed } from '@dask-ts/graph';
import { Client } from './index.js';
import {
  decodeFrames,
  encodeFrames,
  helloMessage,
  startScheduler,
  startWorker,
} from '@dask-ts/distributed';
import { eventually, openHandles } from '../../../tooling/test-leaks.js';

const quiet = (): void => undefined;
const FRAMES = 100_000;
/** Frames sent before this side yields to the event loop (the server runs in this process). */
const BATCH = 2_000;

afterAll(async () => {
  await eventually(
    () => openHandles().length === 0,
    10_000,
    `no open handles (${openHandles().join(', ')})`,
  );
});

describe('a flood of garbage', () => {
  it('drops 100,000 random frames and keeps serving everyone else', async () => {
    const lines: string[] = [];
    await using server = await startScheduler({ log: (l) => lines.push(l) });
    const node = await startWorker(server.address, { name: 'w', log: quiet });
    await using client = await Client.connect(server.address, { asDefault: false });
    // Raw sockets whose sends complete at once and queue without bound: no await per frame.
    const raw = { linger: 0, sendTimeout: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 };
    const stranger = new Dealer(raw);
    stranger.connect(server.address);
    const member = new Dealer(raw);
    member.connect(server.address);
    await member.send(encodeFrames(helloMessage('client')));
    expect(decodeFrames(await member.receive())).toMatchObject({ op: 'welcome' });
    // The stranger is answered `refused` each time: read the answers as they come.
    let answers = 0;
    const reading = (async () => {
      try {
        for (;;) {
          await stranger.receive();
          answers++;
        }
      } catch {
        // closed
      }
    })();

    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const randomFrame = (): Uint8Array => {
      const bytes = new Uint8Array(rand(40));
      for (let j = 0; j < bytes.length; j++) bytes[j] = rand(256);
      return bytes;
    };
    const good = encodeFrames({
      op: 'compute',
      id: 1,
      graphKeys: ['x'],
      fns: [],
      fnIndex: [-1],
      payloads: [new Float64Array(4)],
      deps: [[]],
      keys: ['x'],
    });
    const undecodable = encodeFrames({ op: 'compute', id: 'x' });

    // Meanwhile a client computes, one task after another, and must keep getting answers.
    const inc = delayed((x: number) => x + 1);
    let served = 0;
    let flooding = true;
    const computing = (async () => {
      while (flooding) {
        await expect(client.compute(inc(served))).resolves.toBe(served + 1);
        served++;
      }
    })();

    const t0 = Date.now();
    for (let i = 0; i < FRAMES; i++) {
      const frames =
        i % 10 === 0
          ? [good[0].subarray(0, 1 + rand(good[0].length - 1))] // truncated
          : i % 10 === 1
            ? undecodable // decodes, does not check
            : i % 10 === 2
              ? [good[0]] // its binary frame is missing
              : Array.from({ length: 1 + rand(3) }, randomFrame);
      void (i % 2 === 0 ? stranger : member).send(frames);
      if (i % BATCH === BATCH - 1) await new Promise((r) => setImmediate(r));
    }
    // Every message of the stranger is refused (it never said hello); every one of the member's
    // is dropped (it does not decode, or does not check).
    await eventually(
      () => server.stats.refused >= FRAMES / 2 && server.stats.dropped >= FRAMES / 2,
      60_000,
      `every frame handled (refused ${server.stats.refused}, dropped ${server.stats.dropped})`,
    );
    const floodMs = Date.now() - t0;
    await eventually(() => answers >= FRAMES / 2, 30_000, 'the refusals to reach the stranger');
    flooding = false;
    await computing;
    expect(served).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(40); // logged, but not one line per frame
    // Still served after the flood, and the member was never mistaken for anything else.
    await expect(client.compute(inc(41))).resolves.toBe(42);
    expect(server.workers.map((w) => w.name)).toEqual(['w']);
    process.stdout.write(
      `${FRAMES} frames handled in ${floodMs} ms; ${served} computes served meanwhile\n`,
    );
    stranger.close();
    member.close();
    await reading;
    await node.close();
  }, 120_000);
});
