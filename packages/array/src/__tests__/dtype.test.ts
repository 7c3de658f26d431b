// The dtype rules against NumPy 1.24's own answers (np.result_type, true division, np.sqrt), printed
// by /usr/bin/python3 and pasted here. Where NumPy answers int64 we answer float64, and float16
// becomes float32 (neither dtype exists here); every other answer must be NumPy's.
import { describe, expect, test } from '@jest/globals';
import { DTYPES, divResultType, floatResultType, resultType, scalarResultType } from '../index.js';

const NUMPY_RESULT_TYPE: Record<string, Record<string, string>> = {
  float64: {
    float64: 'float64',
    float32: 'float64',
    int8: 'float64',
    int16: 'float64',
    int32: 'float64',
    uint8: 'float64',
    uint16: 'float64',
    uint32: 'float64',
    bool: 'float64',
  },
  float32: {
    float64: 'float64',
    float32: 'float32',
    int8: 'float32',
    int16: 'float32',
    int32: 'float64',
    uint8: 'float32',
    uint16: 'float32',
    uint32: 'float64',
    bool: 'float32',
  },
  int8: {
    float64: 'float64',
    float32: 'float32',
    int8: 'int8',
    int16: 'int16',
    int32: 'int32',
    uint8: 'int16',
    uint16: 'int32',
    uint32: 'int64',
    bool: 'int8',
  },
  int16: {
    float64: 'float64',
    float32: 'float32',
    int8: 'int16',
    int16: 'int16',
    int32: 'int32',
    uint8: 'int16',
    uint16: 'int32',
    uint32: 'int64',
    bool: 'int16',
  },
  int32: {
    float64: 'float64',
    float32: 'float64',
    int8: 'int32',
    int16: 'int32',
    int32: 'int32',
    uint8: 'int32',
    uint16: 'int32',
    uint32: 'int64',
    bool: 'int32',
  },
  uint8: {
    float64: 'float64',
    float32: 'float32',
    int8: 'int16',
    int16: 'int16',
    int32: 'int32',
    uint8: 'uint8',
    uint16: 'uint16',
    uint32: 'uint32',
    bool: 'uint8',
  },
  uint16: {
    float64: 'float64',
    float32: 'float32',
    int8: 'int32',
    int16: 'int32',
    int32: 'int32',
    uint8: 'uint16',
    uint16: 'uint16',
    uint32: 'uint32',
    bool: 'uint16',
  },
  uint32: {
    float64: 'float64',
    float32: 'float64',
    int8: 'int64',
    int16: 'int64',
    int32: 'int64',
    uint8: 'uint32',
    uint16: 'uint32',
    uint32: 'uint32',
    bool: 'uint32',
  },
  bool: {
    float64: 'float64',
    float32: 'float32',
    int8: 'int8',
    int16: 'int16',
    int32: 'int32',
    uint8: 'uint8',
    uint16: 'uint16',
    uint32: 'uint32',
    bool: 'bool',
  },
};
const NUMPY_TRUE_DIVIDE: Record<string, string> = {
  float64: 'float64',
  float32: 'float32',
  int8: 'float64',
  int16: 'float64',
  int32: 'float64',
  uint8: 'float64',
  uint16: 'float64',
  uint32: 'float64',
  bool: 'float64',
};
const NUMPY_SQRT: Record<string, string> = {
  float64: 'float64',
  float32: 'float32',
  int8: 'float16',
  int16: 'float32',
  int32: 'float64',
  uint8: 'float16',
  uint16: 'float32',
  uint32: 'float64',
  bool: 'float16',
};

const ours = (numpy: string): string =>
  numpy === 'int64' ? 'float64' : numpy === 'float16' ? 'float32' : numpy;

describe('dtype promotion', () => {
  test.each(DTYPES.map((a) => [a]))("result_type(%s, *) is NumPy's", (a) => {
    for (const b of DTYPES)
      expect(`${a},${b} -> ${resultType(a, b)}`).toBe(
        `${a},${b} -> ${ours(NUMPY_RESULT_TYPE[a][b])}`,
      );
  });

  test("true division and float functions are NumPy's", () => {
    for (const a of DTYPES) {
      expect([a, divResultType(a, a)]).toEqual([a, ours(NUMPY_TRUE_DIVIDE[a])]);
      expect([a, floatResultType(a)]).toEqual([a, ours(NUMPY_SQRT[a])]);
    }
  });

  test('numbers are weak operands (NEP 50)', () => {
    expect(scalarResultType('uint8', 300)).toBe('uint8');
    expect(scalarResultType('int16', 0.5)).toBe('float64');
    expect(scalarResultType('float32', 0.5)).toBe('float32');
    expect(scalarResultType('bool', 2)).toBe('int32');
    expect(scalarResultType('bool', 2.5)).toBe('float64');
  });
});
