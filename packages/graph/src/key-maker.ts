// Key making for Delayed values: `${name}-${token}` keys built as flat strings, with random
// tokens drawn 16 bytes at a time from one shared crypto random pool (impure calls) or given
// (pure calls, from tokenize).
import { randomFillSync } from 'node:crypto';

/** Key makers by name (a bounded cache: cleared when it holds MAKERS names). */
const makers = new Map<string, KeyMaker>();
const MAKERS = 1024;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

/**
 * Makes `${name}-${token}` keys as flat strings (a template literal would keep a rope of parts,
 * and crypto.randomUUID's string is itself a rope of ~20 pieces: hundreds of bytes per key). Random
 * tokens are 128 bits from the crypto random pool, in hex.
 */
export class KeyMaker {
  /**
   * The key maker for `name`, shared: one per name among the most recently used (a loop that
   * makes `delayed(fn)` of a new lambda each time reuses one instead of allocating a buffer).
   *
   * @example
   * KeyMaker.of('inc').random(); // 'inc-9f86d081884c7d659a2feaa0c55ad015'
   */
  static of(name: string): KeyMaker {
    let k = makers.get(name);
    if (k === undefined) {
      if (makers.size >= MAKERS) makers.clear();
      k = new KeyMaker(name);
      makers.set(name, k);
    }
    return k;
  }

  private readonly prefix: string;
  private readonly buf: Buffer | undefined;
  constructor(name: string) {
    this.prefix = `${name}-`;
    if (/^[\x20-\x7e]*$/.test(this.prefix)) {
      this.buf = Buffer.alloc(this.prefix.length + 32);
      this.buf.write(this.prefix, 'latin1');
    }
  }

  random(): string {
    if (poolOffset + 16 > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const buf = this.buf;
    if (buf === undefined)
      return `${this.prefix}${pool.toString('hex', poolOffset, (poolOffset += 16))}`;
    let o = this.prefix.length;
    for (let i = 0; i < 16; i++) {
      const h = HEX[pool[poolOffset++]];
      buf[o++] = h.charCodeAt(0);
      buf[o++] = h.charCodeAt(1);
    }
    return buf.toString('latin1');
  }

  with(token: string): string {
    if (this.buf === undefined || token.length !== 32) return `${this.prefix}${token}`;
    this.buf.write(token, this.prefix.length, 'latin1');
    return this.buf.toString('latin1');
  }
}
