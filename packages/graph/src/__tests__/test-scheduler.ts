// Test-only scheduler: a plain recursive evaluator over a graph (no threads), so graph tests do
// not depend on @dask-ts/scheduler. `local` refs are called directly, `source` refs rebuilt with
// `new Function`, `builtin` refs looked up. Like every real scheduler it refuses a bad graph (a
// missing key, a cycle) with a GraphError before running anything (with `validateGraph`); it
// records each graph it accepted and how often each task ran.
import {
  lookupBuiltin,
  substitute,
  type FunctionRef,
  type Graph,
  type Scheduler,
  type TaskFunction,
} from '@dask-ts/protocol';
import { validateGraph } from '../validate.js';

export function resolveFunction(ref: FunctionRef): TaskFunction {
  switch (ref.kind) {
    case 'local':
      return ref.fn;
    case 'source': {
      const names = Object.keys(ref.scope);
      const make = new Function(...names, `return (${ref.source});`) as (
        ...v: unknown[]
      ) => TaskFunction;
      return make(...names.map((n) => ref.scope[n]));
    }
    case 'builtin': {
      const fn = lookupBuiltin(ref.name);
      if (fn === undefined) throw new Error(`no builtin ${ref.name}`);
      return fn;
    }
    case 'module':
      throw new Error('module refs are not supported by the test scheduler');
  }
}

export interface TestScheduler extends Scheduler {
  readonly graphs: Graph[];
  readonly runs: Map<string, number>;
}

export function makeTestScheduler(name = 'test'): TestScheduler {
  const graphs: Graph[] = [];
  const runs = new Map<string, number>();
  return {
    name,
    graphs,
    runs,
    async get(graph, keys) {
      validateGraph(graph, keys);
      graphs.push(graph);
      const values = new Map<string, unknown>();
      const evaluate = async (key: string): Promise<unknown> => {
        if (values.has(key)) return values.get(key);
        const node = graph.get(key);
        if (node === undefined) throw new Error(`missing ${key}`);
        let value: unknown;
        if (node.kind === 'data') value = node.value;
        else {
          for (const d of node.deps) await evaluate(d);
          const call = (fn: FunctionRef, args: unknown[]): unknown => resolveFunction(fn)(...args);
          const args = substitute(node.args, (k) => values.get(k), call) as unknown[];
          value = await resolveFunction(node.fn)(...args);
          runs.set(key, (runs.get(key) ?? 0) + 1);
        }
        values.set(key, value);
        return value;
      };
      const out: unknown[] = [];
      for (const k of keys) out.push(await evaluate(k));
      return out;
    },
  };
}
