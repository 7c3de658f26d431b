// Runs one README block as a user would run a script: transpiled to JavaScript by TypeScript's
// transpileModule and run with `node` from a fresh project folder (a copy of ../fixtures, the
// files and modules the examples read, with a node_modules that links this workspace's
// dependencies), in its own process group, under a deadline. A block passes when it exits 0 on
// its own before the deadline, gives the results its comments state, writes nothing to stderr,
// and leaves no process of its group behind (a pool of child processes that outlives its script
// is a bug the user would see too). Whatever is left at the deadline is killed.
import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { insertChecks } from './expectations.js';
import type { ScratchFile } from './readmes.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const nodeModules = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** How a block's run ended. */
export interface RunResult {
  /** The exit code, or `null` when it was killed. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the deadline passed and the block was killed. */
  readonly timedOut: boolean;
  /** True when processes of its group were still running after it exited (they were killed). */
  readonly leftProcesses: boolean;
  readonly ms: number;
}

/**
 * A block as JavaScript, with a check of each result its comments state (expectations.ts):
 * TypeScript blocks then go through transpileModule (types erased, nothing else changed).
 *
 * @example
 * toJavaScript(file); // 'import { delayed } from "@dask-ts/graph";\n...'
 */
export function toJavaScript(file: ScratchFile): string {
  const { block } = file;
  const { code } = insertChecks(
    readFileSync(file.path, 'utf8'),
    (line) => `${block.file}:${block.line + line}`,
  );
  if (file.path.endsWith('.mjs')) return code;
  return ts.transpileModule(code, {
    fileName: file.path,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      inlineSourceMap: true,
    },
  }).outputText;
}

/**
 * Runs a block under a deadline (see the file comment).
 *
 * @example
 * const r = await runBlock(file, 60_000);
 * expect(r.code).toBe(0);
 */
export async function runBlock(file: ScratchFile, deadlineMs: number): Promise<RunResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'dask-ts-docs-'));
  cpSync(fixtures, cwd, { recursive: true });
  symlinkSync(nodeModules, join(cwd, 'node_modules'), 'dir');
  const script = join(cwd, `${file.id}.mjs`);
  writeFileSync(script, toJavaScript(file));
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not what a user runs with
  const started = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    cwd,
    env,
    detached: true, // its own process group, so that what it starts can be found and killed
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid!;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pgid);
  }, deadlineMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  const ms = performance.now() - started;
  // Children that are still exiting get 15 s (a loaded machine); then whatever is left is a leak.
  let leftProcesses = false;
  for (let waited = 0; groupAlive(pgid); waited += 100) {
    if (waited >= 15_000) {
      leftProcesses = true;
      killGroup(pgid);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(cwd, { recursive: true, force: true });
  return { code, signal, stdout, stderr, timedOut, leftProcesses, ms };
}

/** The live (not zombie) processes of a group, from /proc; `kill(-pgid, 0)` counts zombies too. */
function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return false; // no /proc: not checked
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
