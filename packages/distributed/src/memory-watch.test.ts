// MemoryWatch with a made-up resident memory: each thread's share of the target, pause past 80 %
// and resume under 60 %, a restart past 95 % of the thread busy longest (once per calm period),
// and the spill folder gone on close.
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { MemoryWatch, type MemoryReport } from './memory-watch.js';

const MiB = 2 ** 20;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MemoryWatch', () => {
  it('shares the target, pauses, resumes and restarts the busy thread', async () => {
    let rss = 40 * MiB;
    const lines: string[] = [];
    const watch = new MemoryWatch({
      limit: 100 * MiB,
      nthreads: 2,
      name: 'w',
      log: (l) => lines.push(l),
      sampleMs: 10,
      longPauseMs: 100,
      rss: () => rss,
    });
    const sent: Record<string, MemoryReport[]> = { a: [], b: [] };
    const restarted: string[] = [];
    const spills = ['a', 'b'].map((name) => {
      const spill = watch.spillFor(name);
      watch.attach(name, {
        send: (m) => sent[name].push(m),
        restart: (why) => restarted.push(`${name}: ${why}`),
      });
      return spill;
    });
    expect(spills[0].aboveBytes).toBe(30 * MiB);
    expect(spills[0].dir.startsWith(watch.dir)).toBe(true);
    // Thread a holds 10 MiB: the rest of the 60 MiB target after 30 MiB of other memory, halved.
    Atomics.store(spills[0].budget!, 1, 10 * 1024);
    await until(() => Atomics.load(spills[0].budget!, 0) === 15 * 1024, 'the shares');
    expect(Atomics.load(spills[1].budget!, 0)).toBe(15 * 1024);
    rss = 85 * MiB;
    await until(() => sent.a.some((m) => m.paused), 'a pause');
    expect(sent.b.at(-1)).toMatchObject({ op: 'memory', paused: true, rss, limit: 100 * MiB });
    expect(watch.stats.paused).toBe(true);
    // A pause is told once it lasts (longPauseMs), and then its end too.
    await until(
      () => lines.some((l) => /paused for 0.1 s at 85 MiB of 100 MiB/.test(l)),
      'the log',
    );
    rss = 55 * MiB;
    await until(() => sent.a.at(-1)?.paused === false, 'a resume');
    expect(lines.join('\n')).toMatch(/paused for 0.1 s at 85 MiB of 100 MiB[^]*resumed at 55 MiB/);
    // b's loop ticks (it is free); a's does not (busy in a task): a is restarted.
    const tick = setInterval(() => Atomics.add(spills[1].budget!, 2, 1), 20);
    try {
      await new Promise((r) => setTimeout(r, 400));
      rss = 97 * MiB;
      await until(() => restarted.length > 0, 'a restart');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      clearInterval(tick);
    }
    // Once: the next waits for a calm period, and for a thread to watch.
    expect(restarted).toEqual([
      'a: worker a restarted at 97 MiB of 100 MiB (its node passed 95 % of its memory limit)',
    ]);
    expect(watch.stats).toMatchObject({ restarts: 1, peakRss: 97 * MiB });
    mkdirSync(spills[1].dir, { recursive: true });
    watch.ended(spills[1]);
    expect(existsSync(spills[1].dir)).toBe(false);
    mkdirSync(spills[0].dir, { recursive: true });
    watch.close();
    expect(existsSync(watch.dir)).toBe(false);
  }, 30_000);
});
