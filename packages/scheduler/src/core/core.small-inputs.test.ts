// Placement of tasks with small inputs: they do not queue behind a busy holder while another
// worker is less busy (placement.ts, SMALL_INPUTS); large inputs still keep their readers.
import { describe, expect, test } from '@jest/globals';
import { SMALL_INPUTS } from './placement.js';
import { Sim, g, t } from './__tests__/test-sim.js';

/** `a` (made from root `r`) on w0 and twelve readers of it, with `a` reported as `nbytes` bytes. */
function broadcast(nbytes: number): Sim {
  const sim = new Sim({ queueFactor: 16 });
  sim.addWorker('w0');
  sim.addWorker('w1');
  const readers = Array.from({ length: 12 }, (_, i) => `b${i}`);
  sim.handle([
    {
      type: 'submit',
      id: 's',
      graph: g(
        ['r', t()],
        ['a', t('r')],
        ...readers.map((b) => [b, t('a')] as [string, ReturnType<typeof t>]),
      ),
      wanted: readers,
    },
  ]);
  expect(sim.inflight.get('w0')).toEqual(['r', 'a']);
  sim.finish('w0', 'r');
  sim.inflight.get('w0')!.length = 0;
  sim.store.get('w0')!.add('a');
  sim.handle([{ type: 'finished', key: 'a', worker: 'w0', nbytes }]);
  return sim;
}

describe('placement of tasks with small inputs', () => {
  test('readers of a small result are spread over the workers', () => {
    const sim = broadcast(8);
    // Each goes to the less busy worker (the holder on a tie), so they alternate.
    expect(sim.inflight.get('w0')).toHaveLength(6);
    expect(sim.inflight.get('w1')).toHaveLength(6);
  }, 20_000);

  test('readers of a large result stay with its holder while it has room', () => {
    const sim = broadcast(SMALL_INPUTS + 1);
    expect(sim.inflight.get('w1')).toHaveLength(0);
    expect(sim.inflight.get('w0')).toHaveLength(12);
  }, 20_000);
});
