// Drawing task graphs, as Dask's `visualize`: `toDot` writes the graph that `compute` would run
// (the same collection gathering; not optimized unless asked, as in Dask) in Graphviz's DOT
// language: a task is an ellipse labelled by its group (the key without its token: `inc`,
// `sum`), data is a box, an edge runs from each input to the task that reads it. `color: 'order'`
// shades the nodes by the order the schedulers run them in (first: light). `visualize` writes it
// to a file: DOT text for a `.dot` file, else through Graphviz's `dot` program (found on PATH;
// a clear error says to install it or to write `.dot`). Large graphs are refused past `maxNodes`
// (default 10,000) rather than drawn into an unreadable file, naming the count. DOT text needs no
// dependency; rendering is left to Graphviz, the tool Dask uses too.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isCollection, keySplit } from '@dask-ts/protocol';
import { collectGraph } from './compute.js';
import { order } from './order.js';
import { unpack } from './unpack.js';

/**
 * Options of {@link toDot} and {@link visualize}.
 *
 * @example
 * const options: VisualizeOptions = { rankdir: 'LR', color: 'order' };
 */
export interface VisualizeOptions {
  /** Draw the graph as `compute` runs it: optimized and fused (default false, as in Dask). */
  readonly optimize?: boolean;
  /** Direction of the edges: 'BT' (inputs below their readers, the default), 'TB', 'LR' or 'RL'. */
  readonly rankdir?: 'BT' | 'TB' | 'LR' | 'RL';
  /** Shade nodes by the order the schedulers run them in. */
  readonly color?: 'order';
  /** Refuse graphs with more nodes than this (default 10,000). */
  readonly maxNodes?: number;
}

/**
 * Options of {@link visualize}: a file to write, and how to draw.
 *
 * @example
 * const options: VisualizeFileOptions = { filename: 'graph.svg', color: 'order' };
 */
export interface VisualizeFileOptions extends VisualizeOptions {
  /**
   * Where to write (default 'mydask.dot'). `.dot` (or `.gv`) writes DOT text; another extension
   * (`.svg`, `.png`, `.pdf`) is rendered by Graphviz's `dot` program, which must be on PATH.
   */
  readonly filename?: string;
}

const RANKDIRS = new Set(['BT', 'TB', 'LR', 'RL']);
const OPTION_KEYS = new Set(['optimize', 'rankdir', 'color', 'maxNodes', 'filename']);

/** A DOT string literal. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Splits trailing options off `args` (a plain object of option names only). */
function splitArgs(args: readonly unknown[]): [unknown[], VisualizeFileOptions] {
  const last = args[args.length - 1];
  if (
    args.length > 0 &&
    typeof last === 'object' &&
    last !== null &&
    Object.getPrototypeOf(last) === Object.prototype &&
    !isCollection(last) &&
    Object.keys(last).every((k) => OPTION_KEYS.has(k))
  )
    return [args.slice(0, -1), last];
  return [args.slice(), {}];
}

/** The DOT text of `values`' graph (see the file comment). */
function dotOf(values: readonly unknown[], options: VisualizeOptions): string {
  const rankdir = options.rankdir ?? 'BT';
  if (!RANKDIRS.has(rankdir))
    throw new RangeError(`rankdir must be 'BT', 'TB', 'LR' or 'RL', got ${String(rankdir)}`);
  const maxNodes = options.maxNodes ?? 10_000;
  if (!(maxNodes > 0)) throw new RangeError(`maxNodes must be > 0, got ${String(maxNodes)}`);
  if (options.color !== undefined && options.color !== 'order')
    throw new RangeError(`color must be 'order', got ${String(options.color)}`);
  const { collections } = unpack(values, true);
  if (collections.length === 0)
    throw new TypeError('toDot: no collection (Delayed value, array, bag, dataframe) to draw');
  const { graph } = collectGraph(collections, options.optimize === true);
  if (graph.size > maxNodes)
    throw new RangeError(
      `The graph has ${graph.size} nodes, more than maxNodes (${maxNodes}): draw a smaller piece, or raise maxNodes`,
    );
  const rank = options.color === 'order' ? order(graph) : undefined;
  const lines = [`digraph dask {`, `  graph [rankdir=${rankdir}];`];
  const ids = new Map<string, string>();
  let n = 0;
  for (const key of graph.keys()) ids.set(key, `n${n++}`);
  for (const [key, node] of graph) {
    const attrs = [
      `label=${quote(keySplit(key))}`,
      `tooltip=${quote(key)}`,
      `shape=${node.kind === 'task' ? 'ellipse' : 'box'}`,
    ];
    if (rank !== undefined) {
      // Light (runs first) to dark (runs last), in HSV: one hue, falling value.
      const at = graph.size > 1 ? (rank.get(key) ?? 0) / (graph.size - 1) : 0;
      attrs.push('style=filled', `fillcolor="0.58 ${(0.15 + 0.6 * at).toFixed(3)} 1.000"`);
    }
    lines.push(`  ${ids.get(key)!} [${attrs.join(', ')}];`);
  }
  for (const [key, node] of graph) {
    if (node.kind !== 'task') continue;
    for (const dep of new Set(node.deps)) {
      const from = ids.get(dep);
      if (from !== undefined) lines.push(`  ${from} -> ${ids.get(key)!};`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * The task graph of collections (Delayed values, arrays, bags, dataframes; inside arrays and
 * objects too) as Graphviz DOT text; the last argument may be {@link VisualizeOptions}.
 *
 * @example
 * const inc = delayed((x: number) => x + 1);
 * const dot = toDot(inc(inc(1)), { rankdir: 'LR' });
 * // digraph dask { ... n0 -> n1; }
 */
export function toDot(...args: unknown[]): string {
  const [values, options] = splitArgs(args);
  return dotOf(values, options);
}

/**
 * Draws the task graph of collections to a file, as Dask's `visualize`: DOT text for `.dot`,
 * else an image rendered by Graphviz's `dot` program (`.svg`, `.png`, `.pdf`...). Returns the DOT
 * text; the last argument may be {@link VisualizeFileOptions}.
 *
 * @example
 * const inc = delayed((x: number) => x + 1);
 * visualize(inc(inc(1)), { filename: 'graph.svg', color: 'order' });
 */
export function visualize(...args: unknown[]): string {
  const [values, options] = splitArgs(args);
  const dot = dotOf(values, options);
  const filename = options.filename ?? 'mydask.dot';
  const ext = extname(filename).slice(1).toLowerCase();
  if (ext === 'dot' || ext === 'gv') {
    writeFileSync(filename, dot);
    return dot;
  }
  if (!/^[a-z0-9]+$/.test(ext))
    throw new RangeError(
      `visualize: the filename ${JSON.stringify(filename)} has no format extension (.dot, .svg, .png, .pdf)`,
    );
  const out = spawnSync('dot', [`-T${ext}`, '-o', filename], {
    input: dot,
    env: process.env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (out.error !== undefined) {
    const missing = (out.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `visualize: Graphviz's 'dot' program was not found on PATH, so ${JSON.stringify(filename)} cannot be rendered: install Graphviz (apt-get install graphviz), or write DOT text with a '.dot' filename (or toDot())`
        : `visualize: running Graphviz's 'dot' failed: ${out.error.message}`,
      { cause: out.error },
    );
  }
  if (out.status !== 0)
    throw new Error(
      `visualize: Graphviz's 'dot -T${ext}' failed (exit ${String(out.status)}): ${out.stderr.trim().slice(0, 500)}`,
    );
  return dot;
}
