// The benchmark harness: monotonic timing with `process.hrtime.bigint`, best-of-N repetitions,
// plain-text tables, the machine description, child Node processes that print one JSON line, and
// RESULTS.md sections. Policy: report the best repetition (the least disturbed by other work on
// the machine), always print absolute numbers next to ratios, and never let one suite's section
// of RESULTS.md overwrite another's.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * One suite's outcome: a title, a table, and free-text notes printed under it.
 *
 * @example
 * const r: SuiteResult = { suite: 'x', title: 'X', headers: ['impl', 'ms'], rows: [['a', '1.0']], notes: [] };
 */
export interface SuiteResult {
  readonly suite: string;
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
}

/**
 * Options every suite receives.
 *
 * @example
 * const o: SuiteOptions = { quick: true };
 */
export interface SuiteOptions {
  /** Smaller graphs and fewer repetitions, for a smoke run. */
  readonly quick: boolean;
  /** How many runs a soak suite makes (`--runs N`; each suite has its default). */
  readonly runs?: number;
}

/**
 * A benchmark suite: a name for the command line and a function producing its result.
 *
 * @example
 * const s: Suite = { name: 'noop', describe: 'nothing', run: async () => result };
 */
export interface Suite {
  readonly name: string;
  readonly describe: string;
  run(options: SuiteOptions): Promise<SuiteResult>;
}

/**
 * Nanoseconds on a monotonic clock.
 *
 * @example
 * const t0 = nowNs(); work(); const ms = Number(nowNs() - t0) / 1e6;
 */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/**
 * Times one call, in milliseconds.
 *
 * @example
 * const ms = await timeMs(() => scheduler.get(graph, [root]));
 */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = nowNs();
  await fn();
  return Number(nowNs() - t0) / 1e6;
}

/**
 * Runs `fn` `reps` times (after `setup`, untimed, before each) and returns every time in ms with
 * the best one.
 *
 * @example
 * const { best } = await bestOf(5, () => run(graph));
 */
export async function bestOf(
  reps: number,
  fn: () => unknown,
  setup?: () => unknown,
): Promise<{ best: number; times: number[] }> {
  if (!Number.isInteger(reps) || reps < 1)
    throw new RangeError(`bestOf: reps must be a positive integer, got ${reps}`);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    if (setup) await setup();
    times.push(await timeMs(fn));
  }
  return { best: Math.min(...times), times };
}

/**
 * Formats a number with a fixed count of significant digits and thousands separators.
 *
 * @example
 * fmt(12345.678); // '12,346'
 * fmt(1.23456);   // '1.23'
 */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const decimals = abs === 0 ? 0 : Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return value.toLocaleString('en-US', {
    maximumFractionDigits: decimals,
    minimumFractionDigits: decimals,
  });
}

/**
 * Formats an integer count with thousands separators.
 *
 * @example
 * int(39999); // '39,999'
 */
export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * Formats a ratio as `2.5×`.
 *
 * @example
 * ratio(10, 4); // '2.50×'
 */
export function ratio(a: number, b: number): string {
  return `${fmt(a / b)}×`;
}

/**
 * Formats bytes as MiB.
 *
 * @example
 * mib(3 * 1024 * 1024); // '3.00 MiB'
 */
export function mib(bytes: number): string {
  return `${fmt(bytes / 1024 / 1024)} MiB`;
}

/**
 * Renders a table as aligned plain text (columns of numbers right-aligned).
 *
 * @example
 * console.log(renderTable(['a', 'b'], [['x', '1']]));
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string) => /^[-+]?[\d,.]+(\s|×|$)/.test(s);
  const right = headers.map((_, i) => rows.length > 0 && rows.every((r) => numeric(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Renders a table as Markdown.
 *
 * @example
 * markdownTable(['a'], [['1']]); // '| a |\n|---|\n| 1 |'
 */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Prints a suite's result to stdout.
 *
 * @example
 * printResult(await suite.run({ quick: false }));
 */
export function printResult(r: SuiteResult): void {
  console.log(`\n## ${r.suite}: ${r.title}\n`);
  console.log(renderTable(r.headers, r.rows));
  for (const n of r.notes) console.log(`  ${n}`);
}

/**
 * The machine a run happened on (CPU model, cores, memory, Node, Python and Dask versions).
 *
 * @example
 * const m = machineInfo(); console.log(m.cpu, m.cores);
 */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly python: string;
  readonly dask: string;
}

/**
 * Describes this machine; Python and Dask versions come from `/usr/bin/python3` ('absent' when
 * they cannot be found).
 *
 * @example
 * console.log(machineInfo().node); // 'v20.20.2'
 */
export function machineInfo(): MachineInfo {
  let python = 'absent';
  let dask = 'absent';
  try {
    const out = execFileSync(
      PYTHON,
      [
        '-c',
        'import sys\nprint(sys.version.split()[0])\ntry:\n import dask; print(dask.__version__)\nexcept Exception: print("absent")',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .trim()
      .split('\n');
    python = out[0] ?? 'absent';
    dask = out[1] ?? 'absent';
  } catch {
    // No Python: both stay 'absent'.
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python,
    dask,
  };
}

/** The Python interpreter the peers run on (Debian's, with python3-dask). @example spawn(PYTHON, ['-V']) */
export const PYTHON = '/usr/bin/python3';

/**
 * Runs a Node script in a child process with extra Node flags and returns the JSON object it
 * prints as the last line of stdout. stderr passes through (progress, warnings).
 *
 * @example
 * const r = await runNodeJson<{ ms: number }>(new URL('./child.js', import.meta.url), ['--n', '10'], ['--expose-gc']);
 */
export function runNodeJson<T>(
  script: URL,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<T> {
  return runJson<T>(process.execPath, [...nodeFlags, fileURLToPath(script), ...args]);
}

/**
 * Runs a command and returns the JSON object printed as the last line of its stdout; rejects with
 * the command, exit code and stderr when it fails.
 *
 * @example
 * const r = await runJson<{ ok: boolean }>('/usr/bin/python3', ['script.py']);
 */
export function runJson<T>(command: string, args: readonly string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(
          new Error(`${command} ${args.join(' ')} exited with ${code}: ${err.trim().slice(-2000)}`),
        );
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(
          new Error(
            `${command} ${args.join(' ')} did not print JSON as its last line: ${last.slice(0, 200)}`,
          ),
        );
      }
    });
  });
}

/**
 * The section of RESULTS.md for one suite: command, date, machine and the table.
 *
 * @example
 * const md = resultSection(result, machineInfo(), 'node apps/bench/dist/main.js tree-sync');
 */
export function resultSection(
  r: SuiteResult,
  m: MachineInfo,
  command: string,
  date = new Date(),
): string {
  return [
    `<!-- suite:${r.suite} -->`,
    `## ${r.suite}: ${r.title}`,
    '',
    `- command: \`${command}\``,
    `- date: ${date.toISOString()}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `- Node ${m.node}, Python ${m.python}, Dask ${m.dask}`,
    '',
    markdownTable(r.headers, r.rows),
    '',
    ...r.notes.map((n) => `- ${n}`),
    `<!-- /suite:${r.suite} -->`,
  ].join('\n');
}

const RESULTS_HEADER = `# dask-ts benchmark results

Side-by-side runs of the same workloads on dask-ts and its peers. Each section is written by
\`node apps/bench/dist/main.js <suite> --write\` (best of several repetitions); ratios compare the
absolute numbers printed next to them. Benchmarks never gate CI.
`;

/**
 * Replaces (or appends) one suite's section in a RESULTS.md text, keeping every other section.
 *
 * @example
 * const next = upsertSection(readFileSync(path, 'utf8'), 'tree-sync', section);
 */
export function upsertSection(text: string, suite: string, section: string): string {
  const base = text.trim() === '' ? RESULTS_HEADER : text;
  const start = `<!-- suite:${suite} -->`;
  const end = `<!-- /suite:${suite} -->`;
  const i = base.indexOf(start);
  const j = base.indexOf(end);
  if (i >= 0 && j > i) return base.slice(0, i) + section + base.slice(j + end.length);
  return `${base.trimEnd()}\n\n${section}\n`;
}

/**
 * Writes one suite's section into a RESULTS.md file (created when missing).
 *
 * @example
 * writeResult(new URL('../RESULTS.md', import.meta.url), result, machineInfo(), command);
 */
export function writeResult(file: URL, r: SuiteResult, m: MachineInfo, command: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, upsertSection(text, r.suite, resultSection(r, m, command)));
}
