// Dtypes: the element types an array may hold, the typed array behind each, and NumPy's rules for
// the dtype of a result. Promotion between two arrays follows NumPy's table, with two choices of
// ours: int32 with uint32 and sums of integers up to 32 bits give float64 (which holds every
// integer up to 2^53 exactly) rather than int64. int64 and uint64 live in BigInt64Array and
// BigUint64Array (their elements are bigints, at run time only: the TypedArray type keeps to
// number arrays; the kernels that take 64-bit integers check `isBigData`); they promote as in
// NumPy (int64 with uint64 or any float: float64), and the operations NumPy does in float64 on
// them (mean, var, std, linear algebra, fft, histogram) convert them first. A JS number operand is "weak" (NumPy 2, NEP 50): it takes the
// array's dtype, except that a non-integer number makes an integer or bool array float64, and
// an integer number makes a bool array int32. Imported by kernels: no imports here.

/**
 * The element types of an array. `bool` is held as 0/1 in a Uint8Array.
 *
 * @example
 * const t: Dtype = 'float32';
 */
export type Dtype =
  | 'float64'
  | 'float32'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

/**
 * A typed array holding the elements of some dtype.
 *
 * @example
 * const data: TypedArray = new Float64Array(4);
 */
export type TypedArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

type Ctor = new (n: number) => TypedArray;

const CTORS: Record<Dtype, Ctor> = {
  float64: Float64Array,
  float32: Float32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  // Their elements are bigints (see the comment at the top).
  int64: BigInt64Array as unknown as Ctor,
  uint64: BigUint64Array as unknown as Ctor,
  bool: Uint8Array,
};

/**
 * Whether a dtype is a 64-bit integer (its elements are bigints).
 *
 * @example
 * isBig('int64'); // true
 */
export function isBig(t: Dtype): boolean {
  return t === 'int64' || t === 'uint64';
}

/**
 * Every dtype whose elements are numbers, in NumPy's order of kinds (int64 and uint64, whose
 * elements are bigints, are in {@link BIG_DTYPES}).
 *
 * @example
 * DTYPES.includes('int8'); // true
 */
export const DTYPES: readonly Dtype[] = (Object.keys(CTORS) as Dtype[]).filter((t) => !isBig(t));

/** The 64-bit integer dtypes (bigint elements). @example BIG_DTYPES // ['int64', 'uint64'] */
export const BIG_DTYPES: readonly Dtype[] = ['int64', 'uint64'];

/**
 * Whether `v` names a dtype.
 *
 * @example
 * isDtype('float32'); // true
 */
export function isDtype(v: unknown): v is Dtype {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(CTORS, v);
}

/**
 * Checks a dtype given by a user, naming the culprit and the supported dtypes.
 *
 * @example
 * checkDtype('int64', 'zeros'); // throws: zeros: unsupported dtype "int64"...
 */
export function checkDtype(v: unknown, op: string): Dtype {
  if (isDtype(v)) return v;
  throw new TypeError(
    `${op}: unsupported dtype ${JSON.stringify(v)}; supported: ${[...DTYPES, ...BIG_DTYPES].join(', ')}`,
  );
}

/**
 * A new zero-filled typed array for `n` elements of `dtype`.
 *
 * @example
 * allocate('int16', 3); // Int16Array [0, 0, 0]
 */
export function allocate(dtype: Dtype, n: number): TypedArray {
  return new CTORS[dtype](n);
}

/**
 * Bytes per element.
 *
 * @example
 * itemsize('float32'); // 4
 */
export function itemsize(dtype: Dtype): number {
  return dtype === 'bool'
    ? 1
    : (CTORS[dtype] as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
}

/**
 * The dtype of a typed array (a Uint8Array is uint8; say `bool` explicitly to get bool).
 *
 * @example
 * dtypeOfTypedArray(new Int32Array(2)); // 'int32'
 */
export function dtypeOfTypedArray(a: unknown): Dtype | undefined {
  // By tag, not instanceof: typed arrays from another realm (a vm context, structuredClone under
  // jest) are typed arrays too.
  const tag = Object.prototype.toString.call(a).slice(8, -1);
  return TAGS[tag];
}

const TAGS: Record<string, Dtype | undefined> = {
  Float64Array: 'float64',
  Float32Array: 'float32',
  Int8Array: 'int8',
  Int16Array: 'int16',
  Int32Array: 'int32',
  Uint8Array: 'uint8',
  Uint8ClampedArray: 'uint8',
  Uint16Array: 'uint16',
  Uint32Array: 'uint32',
  BigInt64Array: 'int64',
  BigUint64Array: 'uint64',
};

/** The kind of a dtype: b(ool), i(nt), u(nsigned), f(loat). */
function kind(t: Dtype): 'b' | 'i' | 'u' | 'f' {
  if (t === 'bool') return 'b';
  if (t.startsWith('float')) return 'f';
  return t.startsWith('u') ? 'u' : 'i';
}

/**
 * Whether a dtype is a floating-point one.
 *
 * @example
 * isFloat('float32'); // true
 */
export function isFloat(t: Dtype): boolean {
  return kind(t) === 'f';
}

/**
 * Whether a dtype holds integers (not bool).
 *
 * @example
 * isInteger('uint8'); // true
 */
export function isInteger(t: Dtype): boolean {
  const k = kind(t);
  return k === 'i' || k === 'u';
}

const SIGNED_OF_SIZE: Record<number, Dtype> = { 1: 'int8', 2: 'int16', 4: 'int32' };

/**
 * The dtype NumPy gives a binary operation of arrays of dtypes `a` and `b` (`np.result_type`),
 * with float64 where NumPy would give int64 (int32 or smaller signed with uint32).
 *
 * @example
 * resultType('int8', 'uint8'); // 'int16'
 * resultType('int16', 'float32'); // 'float32'
 * resultType('int32', 'float32'); // 'float64'
 */
export function resultType(a: Dtype, b: Dtype): Dtype {
  if (a === b) return a;
  const ka = kind(a);
  const kb = kind(b);
  if (ka === 'b') return b;
  if (kb === 'b') return a;
  const sa = itemsize(a);
  const sb = itemsize(b);
  if (ka === 'f' && kb === 'f') return sa >= sb ? a : b;
  if (ka === 'f' || kb === 'f') {
    const f = ka === 'f' ? a : b;
    const isize = ka === 'f' ? sb : sa;
    // float32 holds int8/int16 (and their unsigned) exactly; int32 needs float64.
    return f === 'float64' || isize >= 4 ? 'float64' : 'float32';
  }
  if (ka === kb) return sa >= sb ? a : b;
  // One signed, one unsigned: a signed type wider than the unsigned one, if we have it.
  const [ssize, usize] = ka === 'i' ? [sa, sb] : [sb, sa];
  if (ssize > usize) return ka === 'i' ? a : b;
  // int64 with uint8..uint32 is int64 (NumPy); int32 with uint32 float64 (our choice, above).
  if (usize < 8 && ssize === 8) return ka === 'i' ? a : b;
  return SIGNED_OF_SIZE[usize * 2] ?? 'float64';
}

/**
 * The dtype of an array of dtype `t` combined with a JS number `v` (NEP 50's weak scalars).
 *
 * @example
 * scalarResultType('uint8', 3); // 'uint8'
 * scalarResultType('int16', 0.5); // 'float64'
 * scalarResultType('bool', 2); // 'int32'
 */
export function scalarResultType(t: Dtype, v: number): Dtype {
  const k = kind(t);
  if (k === 'f') return t;
  if (!Number.isInteger(v)) return 'float64';
  return k === 'b' ? 'int32' : t;
}

/**
 * The dtype of a true division of `a` by `b`: float64 when both hold integers or bools
 * (NumPy's `true_divide`), their promoted float type otherwise.
 *
 * @example
 * divResultType('int8', 'int8'); // 'float64'
 * divResultType('float32', 'int16'); // 'float32'
 */
export function divResultType(a: Dtype, b: Dtype): Dtype {
  const t = resultType(a, b);
  return isFloat(t) ? t : 'float64';
}

/**
 * The dtype of a floating-point function (sqrt, exp, log, sin, cos) of `t`: float32 for float32
 * and for the small integers and bool (NumPy gives float16 for 1-byte ones; we have no float16),
 * float64 otherwise.
 *
 * @example
 * floatResultType('int16'); // 'float32'
 * floatResultType('int32'); // 'float64'
 */
export function floatResultType(t: Dtype): Dtype {
  if (t === 'float32' || t === 'float64') return t;
  return itemsize(t) <= 2 ? 'float32' : 'float64';
}
