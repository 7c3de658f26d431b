// V8 compiles a loop that runs long (a 20,000-key map) on the spot, before the code after it has
// ever run, and reuses that code on later calls: code shaped so bails out of it on every later
// call, at ~0.1 ms each, until V8 compiles the function again (thousands of calls later). This
// checks the submit path (client, scheduler server, shell, core) stays clear of that after large
// maps: one-key round trips, traced with --trace-deopt in a child process, bail out of any one
// function only a few times, not once per call.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SUBMITS = 1500;

/** Runs the script under --trace-deopt; its output. */
function traced(): Promise<{ code: number | null; out: string }> {
  const script = fileURLToPath(new URL('./__tests__/one-key-after-map.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--trace-deopt', script, String(SUBMITS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

describe('one-key submits after large maps', () => {
  it('do not bail out of compiled code on every call', async () => {
    const { code, out } = await traced();
    expect(code).toBe(0);
    expect(out.trimEnd().endsWith('done')).toBe(true);
    const perFunction = new Map<string, number>();
    for (const m of out.matchAll(/\[bailout \(kind: deopt-eager[^\n]*?<JSFunction ([^ >]*)/g)) {
      perFunction.set(m[1], (perFunction.get(m[1]) ?? 0) + 1);
    }
    const worst = [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, 3);
    // Before the fix: `hold`, `onHold` and `members` bailed out once per submit (~1,500 each).
    expect(worst.filter(([, n]) => n > SUBMITS / 10)).toEqual([]);
  }, 120_000);
});
