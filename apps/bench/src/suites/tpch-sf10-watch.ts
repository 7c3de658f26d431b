// Runs a peer of the SF 10 suites in a child process under a watch: the child prints one JSON
// object per line on stdout as it goes (so what it finished survives it), and the watch samples
// its resident memory (/proc/<pid>/status) and kills it when it passes `maxRssMb` or runs longer
// than `timeoutS`, saying exactly which limit it hit, when, and at what size. Policy: a peer that
// cannot run at SF 10 on this machine is measured failing, never assumed to fail.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Limits of a watched child. @example const l: WatchLimits = { maxRssMb: 8192, timeoutS: 900 }; */
export interface WatchLimits {
  /** Kill the child when its resident memory passes this many MiB. */
  readonly maxRssMb: number;
  /** Kill the child after this many seconds. */
  readonly timeoutS: number;
}

/**
 * What a watched child did: the JSON lines it printed, its peak resident memory as sampled (MiB),
 * its wall time, and why it did not finish cleanly (undefined when it exited with 0).
 *
 * @example
 * const w: Watched = { lines: [], peakRssMb: 120, ms: 900, problem: undefined };
 */
export interface Watched {
  readonly lines: readonly unknown[];
  readonly peakRssMb: number;
  readonly ms: number;
  readonly problem: string | undefined;
}

/** Resident MiB of process `pid` (and its high-water mark), or undefined once it is gone. */
function rssOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`${k}:\\s*(\\d+)`).exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Runs `command args` under `limits`; stderr passes through (progress lines).
 *
 * @example
 * const w = await runWatched('/usr/bin/python3', ['q.py'], { maxRssMb: 8192, timeoutS: 600 });
 */
export function runWatched(
  command: string,
  args: readonly string[],
  limits: WatchLimits,
): Promise<Watched> {
  return new Promise<Watched>((resolve) => {
    const t0 = Date.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: unknown[] = [];
    let partial = '';
    let errTail = '';
    let peak = 0;
    let killed: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      partial += d;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        const t = p.trim();
        if (t.startsWith('{')) {
          try {
            lines.push(JSON.parse(t));
          } catch {
            // Not one of ours: ignored.
          }
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      errTail = (errTail + d).slice(-2000);
      process.stderr.write(d);
    });
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      const m = rssOf(child.pid);
      if (m === undefined) return;
      peak = Math.max(peak, m.rss, m.hwm);
      const s = (Date.now() - t0) / 1000;
      if (killed !== undefined) return;
      if (m.rss > limits.maxRssMb)
        killed = `killed at ${Math.round(m.rss)} MiB resident after ${Math.round(s)} s (watch limit ${limits.maxRssMb} MiB)`;
      else if (s > limits.timeoutS)
        killed = `killed after ${Math.round(s)} s (watch limit ${limits.timeoutS} s) at ${Math.round(m.rss)} MiB resident`;
      if (killed !== undefined) child.kill('SIGKILL');
    }, 250);
    const done = (problem: string | undefined): void => {
      clearInterval(poll);
      resolve({ lines, peakRssMb: peak, ms: Date.now() - t0, problem });
    };
    child.on('error', (err) => done(`could not start ${command}: ${err.message}`));
    child.on('close', (code, signal) => {
      if (killed !== undefined) done(killed);
      else if (code === 0) done(undefined);
      else {
        // The last lines of stderr that are not a native stack trace's frames, on one line.
        const why = errTail
          .split('\n')
          .filter((l) => l.trim() !== '' && !/^\s*\d+: 0x/.test(l))
          .slice(-3)
          .join(' | ')
          .slice(-400);
        done(
          `exited with ${code ?? signal} after ${Math.round((Date.now() - t0) / 1000)} s: ${why}`,
        );
      }
    });
  });
}
