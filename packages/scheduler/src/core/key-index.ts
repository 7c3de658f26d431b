// Finding a key's dense id: an open-addressing hash table (linear probing) of ids in one
// Int32Array, keyed by an FNV-1a hash of the key's characters and checked against the key table.
// For a million keys it is several times lighter than a `Map<string, number>`: no entry objects,
// no rehash garbage. It is built lazily: the task table only raises `size` as it appends keys, and
// the first lookup indexes every key appended since the last one. A compute whose events all
// arrive in the order their tasks were sent (the common case: see `onFinishedMany`) never needs
// it, so a million-key submit does not pay for hashing a million keys. Removal only happens when
// a refused submit is rolled back (`truncate`): the table is then rebuilt.

function hash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h ^ (h >>> 15);
}

/** See the file comment; `keys[id]` is the key of `id` (owned by the task table). */
export class KeyIndex {
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  /** Ids below `count` are in the hash table. */
  private count = 0;
  /** Ids below `size` are keys of the table (ids are appended in order). */
  size = 0;

  constructor(private readonly keys: readonly string[]) {}

  /** The id of `key`, or undefined. */
  get(key: string): number | undefined {
    if (this.count < this.size) this.catchUp();
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let i = hash(key) & mask;
    for (;;) {
      const id = slots[i]!;
      if (id < 0) return undefined;
      if (keys[id] === key) return id;
      i = (i + 1) & mask;
    }
  }

  /** Whether every key of the table is indexed already (a lookup costs no catching up). */
  get current(): boolean {
    return this.count >= this.size;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Indexes the keys appended since the last lookup. */
  private catchUp(): void {
    const n = this.size;
    let cap = this.slots.length;
    if (2 * n > cap) {
      while (2 * n > cap) cap *= 2;
      this.rebuild(cap, n);
      return;
    }
    for (let id = this.count; id < n; id++) this.place(this.keys[id]!, id);
    this.count = n;
  }

  /** Keeps ids below `size` only. */
  truncate(size: number): void {
    this.size = size;
    if (this.count > size) this.rebuild(this.slots.length, size);
  }

  private rebuild(cap: number, size: number): void {
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.count = size;
    for (let id = 0; id < size; id++) this.place(this.keys[id]!, id);
  }

  private place(key: string, id: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = hash(key) & mask;
    while (slots[i]! >= 0) i = (i + 1) & mask;
    slots[i] = id;
  }
}
