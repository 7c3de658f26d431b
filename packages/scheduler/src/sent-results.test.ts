import { describe, expect, it } from '@jest/globals';
import { unsendable } from '@dask-ts/worker';
import { SentResults } from './sent-results.js';

describe('SentResults', () => {
  it("gives a worker's batch to the deliver that names its keys in order, once", () => {
    const sent = new SentResults();
    sent.finished('w-0', ['a', 'b'], ['a', 'b'], [1, 2]);
    expect(sent.take('w-0', ['a', 'b'])).toEqual([1, 2]);
    expect(sent.take('w-0', ['a', 'b'])).toBeUndefined();
  }, 10_000);

  it('finds values by key otherwise: another order, a part, several batches', () => {
    const sent = new SentResults();
    sent.finished('w-0', ['a', 'b'], ['a', 'b'], [1, 2]);
    sent.finished('w-1', ['c'], ['c'], [3]);
    expect(sent.take('w-0', ['b'])).toEqual([2]);
    expect(sent.take('w-1', ['c'])).toEqual([3]);
    expect(sent.take('w-0', ['a'])).toEqual([1]);
    sent.finished('w-0', ['d', 'e'], ['d', 'e'], [4, 5]);
    expect(sent.take('w-0', ['e', 'd'])).toEqual([5, 4]);
  }, 10_000);

  it('refuses values of another worker, or missing ones, and removes nothing then', () => {
    const sent = new SentResults();
    sent.finished('w-0', ['a'], ['a'], [1]);
    expect(sent.take('w-1', ['a'])).toBeUndefined();
    expect(sent.take('w-0', ['a', 'z'])).toBeUndefined();
    expect(sent.take('w-0', ['a'])).toEqual([1]);
  }, 10_000);

  it('drops a value when its key finishes again, is released or its worker goes', () => {
    const sent = new SentResults();
    sent.finished('w-0', ['a', 'b'], ['a', 'b'], [1, 2]);
    sent.finished('w-1', ['a'], undefined, undefined);
    expect(sent.take('w-0', ['a'])).toBeUndefined();
    expect(sent.take('w-0', ['b'])).toEqual([2]);
    sent.finished('w-0', ['c', 'd'], ['c', 'd'], [3, 4]);
    sent.drop(['c'], 'w-1');
    expect(sent.take('w-0', ['c'])).toEqual([3]);
    sent.drop(['d'], 'w-0');
    expect(sent.take('w-0', ['d'])).toBeUndefined();
    sent.finished('w-0', ['e'], ['e'], [5]);
    sent.dropWorker('w-0');
    expect(sent.take('w-0', ['e'])).toBeUndefined();
    sent.finished('w-0', ['f'], ['f'], [6]);
    sent.clear();
    expect(sent.take('w-0', ['f'])).toBeUndefined();
  }, 10_000);

  it('never keeps a marker for a value that could not be sent', () => {
    const sent = new SentResults();
    const bad = unsendable({ name: 'DataCloneError', message: 'a function' });
    sent.finished('w-0', ['a', 'b'], ['a', 'b'], [1, bad]);
    expect(sent.take('w-0', ['a', 'b'])).toBeUndefined();
    expect(sent.take('w-0', ['a'])).toEqual([1]);
  }, 10_000);
});
