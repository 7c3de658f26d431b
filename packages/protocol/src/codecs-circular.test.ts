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

  it('round-trips a deep but acyclic value past the plain walk, errors inside included', () => {
    let deep: unknown = { leaf: new TypeError('at the bottom') };
    for (let i = 0; i < 600; i++) deep = i % 2 === 0 ? [deep] : { d: deep };
    let back = decodeValue(structuredClone(encodeValue(deep).payload));
    for (let i = 599; i >= 0; i--)
      back = i % 2 === 0 ? (back as unknown[])[0] : (back as { d: unknown }).d;
    expect((back as { leaf: Error }).leaf).toBeInstanceOf(TypeError);
  });

  it('switches to the circular walk long before the stack runs out, whatever the stack depth', () => {
    const o: Record<string, unknown> = { n: 1, e: new TypeError('t') };
    o.self = o;
    // Called with most of the stack already used, as a deep caller would.
    const nest = (n: number): unknown =>
      n === 0 ? decodeValue(structuredClone(encodeValue(o).payload)) : nest(n - 1);
    for (const depth of [0, 1_000, 3_000]) {
      const back = nest(depth) as typeof o;
      expect(back.self).toBe(back);
      expect(back.e).toBeInstanceOf(TypeError);
    }
  });

  it('still refuses a value nested too deeply to walk', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => encodeValue(deep)).toThrow(RangeError);
  });
});
