// The scheduling core under random graphs, insertion orders, completion orders, failures, worker
// removals, cancels, queue sizes and compactions (scenarios from __tests__/scenario.ts).
import { describe, test } from '@jest/globals';
import fc from 'fast-check';
import { runScenario, scenario } from './__tests__/scenario.js';

describe('SchedulerCore under random graphs, orders, failures and removals', () => {
  test('invariants hold after every batch; computes end once; no leaks', () => {
    fc.assert(
      fc.property(scenario, (s) => runScenario(s)),
      { numRuns: Number(process.env['CORE_PROP_RUNS'] ?? 400) },
    );
  });

  test('without failures every compute is done', () => {
    fc.assert(
      fc.property(scenario, (s) =>
        runScenario({ ...s, failures: false, removals: false, cancels: false }),
      ),
      { numRuns: 150 },
    );
  });
});
