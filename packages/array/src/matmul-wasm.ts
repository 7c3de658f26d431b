// The WebAssembly SIMD micro-kernel of matmul, written as bytes by a small emitter at load time (no
// toolchain, no generated file): `micro(kc, a, b, c, ldc)` adds the 4 x 4 product of a packed
// 4-row strip of A (`kc` steps of 4 doubles) and a packed 4-column strip of B (`kc` steps of 4
// doubles) into C at byte address `c`, rows `ldc` bytes apart. Eight f64x2 accumulators stay in
// registers, each A element is loaded into both lanes at once (`v128.load64_splat`), and the k
// loop is unrolled by UNROLL, so callers pad `kc` to a multiple of it (packing
// pads with zeros). Returns undefined where WebAssembly SIMD is not available (the caller then
// runs the JavaScript kernel). Kernel side: no imports.

/** The k steps one loop iteration of the micro-kernel makes; `kc` must be a multiple of it. */
export const UNROLL = 4;

/**
 * A WebAssembly micro-kernel and the memory it works in.
 *
 * @example
 * const k = wasmMicro(); if (k) k.micro(kc, aAddr, bAddr, cAddr, ldcBytes);
 */
export interface WasmMicro {
  readonly memory: WasmMemory;
  readonly micro: (kc: number, a: number, b: number, c: number, ldc: number) => void;
}

/**
 * The part of `WebAssembly.Memory` the kernel uses (the package's TypeScript libraries do not
 * declare WebAssembly).
 *
 * @example
 * const m: WasmMemory = wasmMicro()!.memory;
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the global `WebAssembly` the kernel uses. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

// Instructions.
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const simd = (op: number, ...rest: number[]): number[] => [0xfd, ...uleb(op), ...rest];
const v128load = (offset: number): number[] => simd(0x00, 4, ...uleb(offset));
const v128store = (offset: number): number[] => simd(0x0b, 4, ...uleb(offset));
const v128load64splat = (offset: number): number[] => simd(0x0a, 3, ...uleb(offset));
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const I32_ADD = [0x6a];
const I32_SUB = [0x6b];
const i32const = (v: number): number[] => [0x41, ...uleb(v)]; // small non-negative values only

/** The body of `micro`. Params 0-4: kc, a, b, c, ldc; locals 5-12 accumulators, 13-14 B, 15 A. */
function microBody(): number[] {
  const [KC, A, B, C, LDC] = [0, 1, 2, 3, 4];
  const acc = (r: number, h: number): number => 5 + r * 2 + h;
  const [B0, B1, T] = [13, 14, 15];
  const step = (s: number): number[] => {
    const out = [...get(B), ...v128load(s * 32), ...set(B0)];
    out.push(...get(B), ...v128load(s * 32 + 16), ...set(B1));
    for (let r = 0; r < 4; r++) {
      out.push(...get(A), ...v128load64splat(s * 32 + r * 8), ...set(T));
      for (let h = 0; h < 2; h++) {
        out.push(...get(acc(r, h)), ...get(T), ...get(h === 0 ? B0 : B1), ...F64X2_MUL);
        out.push(...F64X2_ADD, ...set(acc(r, h)));
      }
    }
    return out;
  };
  const body: number[] = [];
  // block { if kc == 0 break; loop { steps; a += 32U; b += 32U; kc -= U; br_if kc != 0 } }
  body.push(0x02, 0x40, ...get(KC), 0x45, 0x0d, 0, 0x03, 0x40);
  for (let s = 0; s < UNROLL; s++) body.push(...step(s));
  body.push(...get(A), ...i32const(32 * UNROLL), ...I32_ADD, ...set(A));
  body.push(...get(B), ...i32const(32 * UNROLL), ...I32_ADD, ...set(B));
  body.push(...get(KC), ...i32const(UNROLL), ...I32_SUB, 0x22, ...uleb(KC)); // local.tee kc
  body.push(0x0d, 0, 0x0b, 0x0b); // br_if 0 (loop); end loop; end block
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      body.push(...get(C), ...get(C), ...v128load(h * 16), ...get(acc(r, h)), ...F64X2_ADD);
      body.push(...v128store(h * 16));
    }
    if (r < 3) body.push(...get(C), ...get(LDC), ...I32_ADD, ...set(C));
  }
  body.push(0x0b);
  const locals = [1, ...uleb(11), V128];
  const code = [...locals, ...body];
  return [...uleb(code.length), ...code];
}

/**
 * The bytes of the module: memory exported as `mem`, function `micro`.
 *
 * @example
 * WebAssembly.validate(microModuleBytes()); // true where SIMD is supported
 */
export function microModuleBytes(): Uint8Array {
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  bytes.push(...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0])); // (i32 x5) -> ()
  bytes.push(...section(3, [1, 0])); // one function of type 0
  bytes.push(...section(5, [1, 0x00, 1])); // memory, min 1 page
  bytes.push(...section(7, [2, ...name('mem'), 0x02, 0, ...name('micro'), 0x00, 0]));
  bytes.push(...section(10, [1, ...microBody()]));
  return Uint8Array.from(bytes);
}

let cached: WasmMicro | null | undefined;

/**
 * The micro-kernel of this thread (instantiated once), or undefined without WebAssembly SIMD.
 *
 * @example
 * wasmMicro()?.memory.grow(16);
 */
export function wasmMicro(): WasmMicro | undefined {
  if (cached === undefined) {
    cached = null;
    try {
      const bytes = microModuleBytes();
      const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (wasm !== undefined && wasm.validate(bytes)) {
        const inst = new wasm.Instance(new wasm.Module(bytes), {});
        const ex = inst.exports as { mem: WasmMemory; micro: WasmMicro['micro'] };
        cached = { memory: ex.mem, micro: ex.micro };
      }
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
