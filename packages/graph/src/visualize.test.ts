// toDot and visualize: the graph compute would run, drawn as DOT (tasks as ellipses labelled by
// their group, data as boxes, an edge per input), shaded by run order when asked; bad options and
// oversized graphs refused naming the culprit; a file written as DOT, or an image through
// Graphviz's dot (a clear error when it is not installed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  daskFinalize,
  daskGraph,
  daskKeys,
  data,
  ref,
  task,
  type Collection,
  type Graph,
  type GraphNode,
  type LocalRef,
} from '@dask-ts/protocol';
import { delayed } from './delayed.js';
import { toDot, visualize } from './visualize.js';

const inc: LocalRef = { kind: 'local', fn: (x: number) => x + 1, name: 'inc' };

/** A minimal collection over a hand-written graph. */
class Raw implements Collection<unknown[]> {
  constructor(
    private readonly graph: Graph,
    private readonly keys: string[],
  ) {}
  [daskGraph](): Graph {
    return this.graph;
  }
  [daskKeys](): string[] {
    return this.keys;
  }
  [daskFinalize](values: readonly unknown[]): unknown[] {
    return [...values];
  }
}

const raw = new Raw(
  new Map<string, GraphNode>([
    ['x', data(1)],
    ['inc-3f2a9c1b', task(inc, [ref('x')])],
    ['["sum-77aa00bb",0]', task(inc, [ref('inc-3f2a9c1b')])],
  ]),
  ['["sum-77aa00bb",0]'],
);

describe('toDot', () => {
  it('draws tasks as ellipses by group, data as boxes, an edge per input', () => {
    const dot = toDot(raw);
    expect(dot).toMatch(/^digraph dask \{\n {2}graph \[rankdir=BT\];/);
    expect(dot).toContain('[label="x", tooltip="x", shape=box]');
    expect(dot).toContain('[label="inc", tooltip="inc-3f2a9c1b", shape=ellipse]');
    expect(dot).toContain('[label="sum", tooltip="[\\"sum-77aa00bb\\",0]", shape=ellipse]');
    expect(dot.match(/->/g)).toHaveLength(2);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('draws Delayed values inside arrays and objects, with options last', () => {
    const add = delayed((a: number, b: number) => a + b, { name: 'add' });
    const one = delayed((x: number) => x, { name: 'one' })(1);
    const dot = toDot([add(one, 2)], { sum: add(one, 3) }, { rankdir: 'LR', color: 'order' });
    expect(dot).toContain('rankdir=LR');
    expect(dot.match(/label="add"/g)).toHaveLength(2);
    expect(dot.match(/label="one"/g)).toHaveLength(1);
    expect(dot.match(/fillcolor=/g)).toHaveLength(3);
    expect(dot.match(/->/g)).toHaveLength(2);
  });

  it('refuses bad options, no collection and oversized graphs, naming them', () => {
    expect(() => toDot(raw, { rankdir: 'XY' as 'LR' })).toThrow(
      /rankdir must be 'BT', 'TB', 'LR' or 'RL', got XY/,
    );
    expect(() => toDot(raw, { maxNodes: 2 })).toThrow(
      /The graph has 3 nodes, more than maxNodes \(2\)/,
    );
    expect(() => toDot(1, 'a')).toThrow(/toDot: no collection/);
  });
});

describe('visualize', () => {
  it('writes DOT to a .dot file, and refuses a filename without a format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dask-ts-visualize-'));
    try {
      const file = join(dir, 'graph.dot');
      const dot = visualize(raw, { filename: file });
      expect(readFileSync(file, 'utf8')).toBe(dot);
      expect(() => visualize(raw, { filename: join(dir, 'graph') })).toThrow(
        /has no format extension/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const graphviz = spawnSync('dot', ['-V']).error === undefined;
  (graphviz ? it : it.skip)('renders an SVG through Graphviz (where it is installed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dask-ts-visualize-'));
    try {
      const file = join(dir, 'graph.svg');
      visualize(raw, { filename: file, color: 'order' });
      const svg = readFileSync(file, 'utf8');
      expect(svg).toContain('<svg');
      expect(svg).toContain('>inc</text>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!graphviz) process.stderr.write('visualize.test: Graphviz not installed, SVG test skipped\n');

  it('says how to get Graphviz when its dot program is missing', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => visualize(raw, { filename: join(tmpdir(), 'never.svg') })).toThrow(
        /Graphviz's 'dot' program was not found on PATH.*install Graphviz.*'\.dot' filename/,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
