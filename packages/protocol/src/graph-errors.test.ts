// One text per graph fault, wherever it is found (graph validation, the in-thread plan, the
// scheduling core): each names the culprit keys in the message and in `keys`.
import { describe, expect, it } from '@jest/globals';
import { GraphError } from './index.js';

describe('GraphError constructors', () => {
  it('a missing wanted key', () => {
    const e = GraphError.missingWanted('z');
    expect(e).toBeInstanceOf(GraphError);
    expect(e.name).toBe('GraphError');
    expect(e.message).toBe("Wanted key 'z' is not in the graph");
    expect(e.keys).toEqual(['z']);
  });

  it('a missing dependency names the task, then the key', () => {
    const e = GraphError.missingDependency('b', 'a');
    expect(e.message).toBe("Task 'b' depends on key 'a', which is not in the graph");
    expect(e.keys).toEqual(['b', 'a']);
  });

  it('a cycle shows its keys, closed on the first', () => {
    const e = GraphError.cycle(['a', 'b']);
    expect(e.message).toBe('Graph has a cycle: a -> b -> a (each key depends on the next)');
    expect(e.keys).toEqual(['a', 'b']);
    expect(GraphError.cycle(['s']).message).toBe(
      'Graph has a cycle: s -> s (each key depends on the next)',
    );
  });
});
