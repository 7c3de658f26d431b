import { describe, expect, it } from '@jest/globals';
import { HoldBatch } from './held-keys.js';

describe('HoldBatch', () => {
  it('gives each key one HeldKey, in order, keeping the list it was given when no key repeats', () => {
    const keys = ['a', 'b', 'c'];
    const batch = new HoldBatch('t-1', keys, () => undefined);
    expect(batch.distinct).toBe(keys);
    expect(batch.held.map((h) => h.key)).toEqual(keys);
    expect(batch.held.map((h) => batch.byKey.get(h.key))).toEqual(batch.held);
    expect(batch.open).toBe(3);
  }, 10_000);

  it('serves every mention of a repeated key with its one HeldKey', () => {
    const batch = new HoldBatch('t-2', ['a', 'b', 'a', 'c', 'b'], () => undefined);
    expect(batch.distinct).toEqual(['a', 'b', 'c']);
    expect(batch.held.map((h) => h.key)).toEqual(['a', 'b', 'a', 'c', 'b']);
    expect(batch.held[0]).toBe(batch.held[2]);
    expect(batch.held[1]).toBe(batch.held[4]);
    expect(batch.byKey.size).toBe(3);
    expect(batch.open).toBe(3);
    batch.held[0].settle(undefined);
    expect(batch.open).toBe(2);
    expect(batch.held[2].state).toBe('ready');
  }, 10_000);

  it('tells each mention watched once when its key settles, ready or failed, before or after', async () => {
    const batch = new HoldBatch('t-4', ['a', 'b', 'a', 'c'], () => undefined);
    const told: [number, unknown][] = [];
    const settled = (i: number, err: unknown): void => void told.push([i, err]);
    // Every mention but the last is watched (the repeated key twice); one key is awaited as well.
    batch.held.slice(0, 3).forEach((h, i) => h.onSettle(i, settled));
    const bReady = batch.held[1].ready;
    bReady.catch(() => undefined); // checked below; a failed expectation must not leave it unhandled
    const boom = new Error('boom');
    batch.held[0].settle(undefined);
    batch.held[1].settle(boom);
    batch.held[1].settle(undefined); // settles once
    expect(told).toEqual([
      [0, undefined],
      [2, undefined],
      [1, boom],
    ]);
    await expect(bReady).rejects.toBe(boom);
    // A key settled before it is watched is told at once.
    batch.held[3].cancel('not needed');
    batch.held[3].onSettle(3, settled);
    expect(told).toHaveLength(4);
    expect(told[3][0]).toBe(3);
    expect(String(told[3][1])).toMatch(/not needed/);
    expect(batch.open).toBe(0);
  }, 10_000);

  it('is cancelled as a whole once every key was cancelled', () => {
    const reasons: string[] = [];
    const batch = new HoldBatch('t-3', ['a', 'a', 'b'], (r) => reasons.push(r));
    batch.held[0].cancel('first');
    expect(reasons).toEqual([]);
    batch.held[2].cancel('second');
    expect(reasons).toEqual(['second']);
    expect(batch.held[1].state).toBe('failed');
  }, 10_000);
});
