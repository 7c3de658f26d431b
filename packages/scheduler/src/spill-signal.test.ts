// A pool's spill directories go when Ctrl-C ends its process (no worker exit event runs then).
// A child process, since the signal ends it. Runs dist: build protocol, worker and scheduler first.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const spillDir = new URL('../dist/spill-dir.js', import.meta.url).href;

describe('spill directories', () => {
  (process.platform !== 'win32' ? it : it.skip)(
    'are removed when an unhandled SIGINT ends the process',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'dask-ts-spill-signal-'));
      const file = join(root, 'child.mjs');
      writeFileSync(
        file,
        `import { mkdirSync, writeFileSync } from 'node:fs';
         import { spillFor } from ${JSON.stringify(spillDir)};
         const { dir } = spillFor('thread-0', { memoryLimitMb: 64, spillDir: ${JSON.stringify(root)} });
         mkdirSync(dir);
         writeFileSync(dir + '/result-1', 'spilled');
         console.log(dir);
         setInterval(() => undefined, 1000);`,
      );
      let out = '';
      try {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
        const ended = new Promise<string | null>((resolve) =>
          child.once('exit', (_c, s) => resolve(s)),
        );
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) child.kill('SIGINT');
        });
        expect(await ended).toBe('SIGINT');
        expect(out.trim()).toContain('dask-ts-spill-');
        expect(existsSync(out.trim())).toBe(false);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
