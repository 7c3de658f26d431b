// The codec registry: which codecs and which registered classes this thread knows (per thread
// or process, kept on globalThis so that two copies of this package share them). Both the value
// walker (codecs.ts) and error serialization (error-serialization.ts) read it; it imports neither,
// so the two depend on it and not on each other's loading order.

/**
 * Teaches transports to move values of one type.
 *
 * @example
 * registerCodec({
 *   name: 'point',
 *   test: (v): v is Point => v instanceof Point,
 *   encode: (p) => [p.x, p.y],
 *   decode: (d) => new Point(...(d as [number, number])),
 * });
 */
export interface Codec<T = unknown> {
  readonly name: string;
  /**
   * The absolute URL of the module that registers this codec (`import.meta.url`), so that a
   * thread or process that lacks the codec can import it on demand.
   */
  readonly module?: string;
  test(value: unknown): value is T;
  /** Returns a structured-cloneable representation. */
  encode(value: T): unknown;
  decode(data: unknown): T;
  /** Buffers that may be transferred with the encoded value. */
  transferables?(value: T): ArrayBuffer[];
  /**
   * The value's own size in bytes, for memory accounting (`sizeOf`), when walking its fields
   * would count too much or too little: a view over part of a larger buffer counts its own
   * elements only.
   */
  sizeOf?(value: T): number;
}

const CODECS_SLOT = Symbol.for('@dask-ts/protocol/codecs');
type GlobalWithCodecs = typeof globalThis & { [CODECS_SLOT]?: Map<string, Codec> };

/** The registered codecs, by name. @internal */
export function codecs(): Map<string, Codec> {
  const g = globalThis as GlobalWithCodecs;
  return (g[CODECS_SLOT] ??= new Map());
}

/**
 * Registers a codec (per thread or process; packages register theirs when imported). Give it a
 * `module` (the registering module's `import.meta.url`) so that workers load it on demand.
 *
 * @example
 * registerCodec({ ...pointCodec, module: import.meta.url });
 */
export function registerCodec<T>(codec: Codec<T>): void {
  if (codec.module !== undefined) checkModuleUrl(codec.module, `codec '${codec.name}'`);
  codecs().set(codec.name, codec);
}

const CLASSES_SLOT = Symbol.for('@dask-ts/protocol/class-prototypes');
type GlobalWithClasses = typeof globalThis & { [CLASSES_SLOT]?: Map<string, object> };

/** The prototypes registered with `registerClass`, by codec name. @internal */
export function classPrototypes(): Map<string, object> {
  const g = globalThis as GlobalWithClasses;
  return (g[CLASSES_SLOT] ??= new Map());
}

/**
 * The codec name under which `value`'s class was registered with {@link registerClass}, and the
 * prototype registered under a name: how a task's error keeps its class across threads. @internal
 *
 * @example
 * const name = registeredClassOf(err); // 'class:QuotaError@file:///…'
 * registeredPrototype(name!) === QuotaError.prototype; // true
 */
export function registeredClassOf(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value) as object | null;
  for (const [name, p] of classPrototypes()) if (p === proto) return name;
  return undefined;
}

/** The prototype registered under `name` with {@link registerClass}, if any. @internal */
export function registeredPrototype(name: string): object | undefined {
  return classPrototypes().get(name);
}

/**
 * The registered codec that claims `value`, if any (internal: errors use it for their properties).
 *
 * @example
 * findCodec(new Point(1, 2))?.name; // 'point'
 */
export function findCodec(value: unknown): Codec | undefined {
  for (const codec of codecs().values()) if (codec.test(value)) return codec;
  return undefined;
}

/** Refuses a codec module that a worker could not import: it must be an absolute URL. @internal */
export function checkModuleUrl(module: unknown, what: string): asserts module is string {
  let ok = false;
  if (typeof module === 'string') {
    try {
      new URL(module);
      ok = true;
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new TypeError(
      `${what}: 'module' must be the absolute URL of the module that registers it (pass import.meta.url), got ${describeValue(module)}`,
    );
  }
}

/** A short description of a bad argument, for messages. @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return value === null ? 'null' : typeof value;
}
