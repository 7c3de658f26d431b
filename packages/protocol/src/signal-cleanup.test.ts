// A signal left to its default action (Ctrl-C's SIGINT) runs the registered cleanups, then ends
// the process by that signal; a program that handles the signal itself keeps running, and
// nothing is removed. Child processes, since the signal ends them.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runtime = new URL('../dist/runtime.js', import.meta.url).href;

/** Runs `body` in a child that made `dir`, sends it SIGINT once it says so, returns how it ended. */
async function interrupted(
  body: string,
): Promise<{ dir: string; signal: string | null; out: string }> {
  const root = mkdtempSync(join(tmpdir(), 'dask-ts-signal-test-'));
  const dir = join(root, 'made');
  mkdirSync(dir);
  const file = join(root, 'child.mjs');
  writeFileSync(
    file,
    `import { rmSync } from 'node:fs';
     import { cleanUpOnSignals } from ${JSON.stringify(runtime)};
     const dir = ${JSON.stringify(dir)};
     ${body}
     setInterval(() => undefined, 1000);
     console.log('ready');`,
  );
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ended = new Promise<string | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready\n') && !out.includes('sent')) {
      out += 'sent';
      child.kill('SIGINT');
    }
  });
  const signal = await ended;
  const left = existsSync(dir);
  rmSync(root, { recursive: true, force: true });
  return { dir: left ? 'left' : 'removed', signal, out };
}

const posix = process.platform !== 'win32';

describe('cleanUpOnSignals', () => {
  (posix ? it : it.skip)(
    'runs the cleanups on an unhandled SIGINT, then the process ends by it',
    async () => {
      const r = await interrupted(
        `cleanUpOnSignals(() => rmSync(dir, { recursive: true, force: true }));`,
      );
      expect(r).toMatchObject({ dir: 'removed', signal: 'SIGINT' });
    },
    30_000,
  );

  (posix ? it : it.skip)(
    'leaves everything to a program that handles the signal itself',
    async () => {
      const r = await interrupted(
        `cleanUpOnSignals(() => rmSync(dir, { recursive: true, force: true }));
         process.on('SIGINT', () => { console.log('handled'); process.exit(3); });`,
      );
      expect(r.out).toContain('handled');
      expect(r).toMatchObject({ dir: 'left', signal: null });
    },
    30_000,
  );

  (posix ? it : it.skip)(
    'forgets a cleanup unregistered',
    async () => {
      const r = await interrupted(
        `const forget = cleanUpOnSignals(() => rmSync(dir, { recursive: true, force: true }));
         forget();`,
      );
      expect(r).toMatchObject({ dir: 'left', signal: 'SIGINT' });
    },
    30_000,
  );
});
