// Command-line parsing for `dask-ts`. Policy: strict — an unknown command or option, a missing or
// malformed value, is a UsageError naming the culprit (the CLI prints it and exits 2); nothing
// runs on bad input.
import type { DemoOptions } from './demo/run-demo.js';
import { CLUSTER_HELP } from './cluster-help.js';

/**
 * Bad command-line input; the message names the offending command, option or value.
 *
 * @example
 * throw new UsageError("Unknown command 'deom'.");
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A parsed command line.
 *
 * @example
 * const c: Command = { command: 'demo', options: { scheduler: 'sync', files: 4 } };
 */
export type Command =
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'demo'; readonly options: DemoOptions & { readonly scheduler?: string } }
  | { readonly command: 'scheduler' | 'worker'; readonly args: readonly string[] };

/** The schedulers `demo --scheduler` accepts. @example DEMO_SCHEDULERS.includes('sync') */
export const DEMO_SCHEDULERS = ['threads', 'sync', 'processes'] as const;

/** The commands, for help and error messages. @example COMMANDS.map((c) => c.name) */
export const COMMANDS = [
  {
    name: 'demo',
    summary:
      'generate CSV files, compute stats over them with a delayed pipeline, print what happened',
  },
  { name: 'help', summary: 'show this help' },
  {
    name: 'scheduler',
    summary: 'run a distributed scheduler server that workers and clients connect to',
  },
  { name: 'worker', summary: 'run a distributed worker node connected to a scheduler' },
] as const;

function integer(option: string, raw: string | undefined): number {
  if (raw === undefined || raw.startsWith('--'))
    throw new UsageError(`Option ${option} needs a value.`);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new UsageError(`Option ${option} must be a non-negative integer, got '${raw}'.`);
  }
  return n;
}

function parseDemo(args: readonly string[]): Command {
  let scheduler: string | undefined;
  let files: number | undefined;
  let rows: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const [flag, inline] =
      arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case '--scheduler': {
        const v = value();
        if (v === undefined || !(DEMO_SCHEDULERS as readonly string[]).includes(v)) {
          throw new UsageError(
            `Option --scheduler must be one of ${DEMO_SCHEDULERS.join(', ')}, got ${v === undefined ? 'nothing' : `'${v}'`}.`,
          );
        }
        scheduler = v;
        break;
      }
      case '--files':
        files = integer('--files', value());
        if (files < 1) throw new UsageError(`Option --files must be at least 1, got '${files}'.`);
        break;
      case '--rows':
        rows = integer('--rows', value());
        break;
      default:
        throw new UsageError(`Unknown option '${arg}' for 'dask-ts demo'.`);
    }
  }
  const options: { scheduler?: string; files?: number; rows?: number } = {};
  if (scheduler !== undefined) options.scheduler = scheduler;
  if (files !== undefined) options.files = files;
  if (rows !== undefined) options.rows = rows;
  return { command: 'demo', options };
}

/**
 * Parses `dask-ts` arguments (without `node` and the script path).
 *
 * @example
 * parseArgs(['demo', '--files', '4']); // { command: 'demo', options: { files: 4 } }
 */
export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help')
    return { command: 'help' };
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first === 'scheduler' || first === 'worker') {
    if (rest.includes('--help') || rest.includes('-h')) return { command: 'help' };
    return { command: first, args: rest };
  }
  if (first === 'demo') {
    if (rest.includes('--help') || rest.includes('-h')) return { command: 'help' };
    return parseDemo(rest);
  }
  throw new UsageError(
    `Unknown command '${first}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')} (see 'dask-ts --help').`,
  );
}

/**
 * The help text.
 *
 * @example
 * console.log(helpText());
 */
export function helpText(): string {
  return [
    'usage: dask-ts <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    '',
    'demo options:',
    `  --scheduler <${DEMO_SCHEDULERS.join('|')}>  where tasks run (default threads)`,
    '  --files <N>     how many files to generate (default 16)',
    '  --rows <N>      numbers per file (default 100000)',
    '',
    ...CLUSTER_HELP,
    '',
    '  -h, --help      show this help',
    '  -v, --version   show the version',
  ].join('\n');
}
