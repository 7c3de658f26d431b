// Circular values cross threads and processes (structured clone copies them): encodeValue and
// decodeValue walk them again, each object once, when the plain walk overflows, and keep every
// cycle, with the parts that need a codec (an error here) encoded and decoded as usual.
import { describe, expect, it } from '@jest/globals';
import { decodeValue, encodeValue } from './codecs.js';

describe('circular values', () => {
  it('keep their cycles through encode, structured clone and decode', () => {
    const o: Record<string, unknown> = { n: 1, err: new RangeError('kept'), list: [] };
    o.self = o;
    (o.list as unknown[]).push(o, { back: o }, new Map([['o', o]]));
    const back = decodeValue(structuredClone(encodeValue(o).payload)) as typeof o;
    expect(back.self).toBe(back);
    const list = back.list as [unknown, { back: unknown }, Map<string, unknown>];
    expect(list[0]).toBe(back);
    expect(list[1].back).toBe(back);
    expect(list[2].get('o')).toBe(back);
    expect(back.err).toBeInstanceOf(RangeError);
    expect((back.err as Error).message).toBe('kept');
  });

  it('keeps a user object that looks tagged as itself inside a cycle', () => {
    const o: Record<string, unknown> = { $codec: 'mine', data: 1 };
    o.me = o;
    const back = decodeValue(structuredClone(encodeValue(o).payload)) as typeof o;
    expect(back.$codec).toBe('mine');
    expect(back.me).toBe(back);
  });

  it('still refuses a value nested too deeply to walk', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => encodeValue(deep)).toThrow(RangeError);
  });
});
