// Text encodings of readText and toTextFiles, with Python's error policies. Reading decodes with
// `TextDecoder` (every WHATWG encoding: utf-8, utf-16le/be, gb18030, shift_jis...), except two
// that the WHATWG standard redefines: `ascii` (WHATWG reads it as windows-1252, Python refuses
// bytes >= 0x80) and `latin1` (WHATWG: windows-1252; Python: ISO-8859-1), which are decoded here.
// `errors` is Python's: 'strict' (default) throws a TypeError naming the file, 'replace' puts
// U+FFFD, 'ignore' drops the bad bytes (for TextDecoder encodings it drops every U+FFFD of the
// decoded text, so a literal U+FFFD in a file that also has bad bytes is dropped too). Writing has
// only the encoders JavaScript has: utf-8, utf-16le, latin1 and ascii. Options are checked when the
// bag is built, with errors naming the option and the accepted values.

/**
 * How undecodable bytes (or unencodable characters) are handled, as in Python.
 *
 * @example
 * readText('a.txt', { encoding: 'ascii', errors: 'replace' });
 */
export type DecodeErrors = 'strict' | 'replace' | 'ignore';

const ERRORS: readonly string[] = ['strict', 'replace', 'ignore'];

/**
 * The canonical name of an encoding label, or an error naming the option.
 *
 * @example
 * encodingOption('UTF_8', 'readText'); // 'utf-8'
 */
export function encodingOption(label: unknown, op: string): string {
  if (label === undefined || label === null) return 'utf-8';
  if (typeof label !== 'string' || label === '') {
    throw new TypeError(`${op}: encoding must be a non-empty string, got ${String(label)}`);
  }
  const l = label.trim().toLowerCase().replace(/_/g, '-');
  if (l === 'ascii' || l === 'us-ascii' || l === '646') return 'ascii';
  if (['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'l1', 'binary'].includes(l)) return 'latin1';
  try {
    return new TextDecoder(l).encoding;
  } catch {
    throw new RangeError(
      `${op}: unknown encoding '${label}'; use an encoding TextDecoder knows (utf-8, utf-16le, gb18030, shift_jis, ...), 'ascii' or 'latin1'`,
    );
  }
}

/**
 * Checks an `errors` option.
 *
 * @example
 * errorsOption(undefined, 'readText'); // 'strict'
 */
export function errorsOption(v: unknown, op: string): DecodeErrors {
  if (v === undefined) return 'strict';
  if (typeof v === 'string' && ERRORS.includes(v)) return v as DecodeErrors;
  throw new RangeError(
    `${op}: unknown errors policy ${JSON.stringify(v)}; accepted values are 'strict', 'replace', 'ignore'`,
  );
}

/**
 * Whether the bytes of '\n' (and of every ASCII character) are themselves in `encoding`, so a file
 * can be cut into blocks at newline bytes.
 *
 * @example
 * asciiCompatible('utf-16le'); // false
 */
export function asciiCompatible(encoding: string): boolean {
  return !encoding.startsWith('utf-16');
}

/**
 * The bytes of `text` in an ASCII-compatible encoding, where this module can know them (an ASCII
 * text in any of them, or any text in utf-8 and latin1); undefined otherwise.
 *
 * @example
 * delimiterBytes('$$', 'gb18030'); // Buffer <24 24>
 */
export function delimiterBytes(text: string, encoding: string): Buffer | undefined {
  if (!asciiCompatible(encoding)) return undefined;
  const max = maxCode(text);
  if (max < 0x80) return Buffer.from(text, 'latin1');
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'latin1' && max < 0x100) return Buffer.from(text, 'latin1');
  return undefined;
}

function maxCode(text: string): number {
  let m = 0;
  for (let i = 0; i < text.length; i++) m = Math.max(m, text.charCodeAt(i));
  return m;
}

/**
 * A streaming decoder of one file's bytes: `decode(bytes, true)` while more follows, then
 * `decode(rest, false)`.
 *
 * @example
 * const d = makeDecoder('utf-8', 'strict', 'a.txt'); d.decode(Buffer.from('hi'), false); // 'hi'
 */
export interface Decoder {
  decode(bytes: Uint8Array, stream: boolean): string;
}

/** Decoders of `encoding` (canonical, see encodingOption) for the file `path` (named in errors). */
export function makeDecoder(encoding: string, errors: DecodeErrors, path: string): Decoder {
  if (encoding === 'ascii') return asciiDecoder(errors, path);
  if (encoding === 'latin1') {
    return { decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1') };
  }
  const td = new TextDecoder(encoding, { fatal: errors === 'strict' });
  let offset = 0;
  return {
    decode(bytes, stream) {
      let s: string;
      try {
        s = td.decode(bytes, { stream });
      } catch (err) {
        throw new TypeError(
          `Cannot decode ${path} as ${encoding}: the bytes after offset ${offset} are not valid ${encoding} (pass errors: 'replace' or 'ignore' to read it anyway)`,
          { cause: err },
        );
      }
      offset += bytes.byteLength;
      return errors === 'ignore' && s.includes('\ufffd') ? s.replace(/\ufffd/g, '') : s;
    },
  };
}

function asciiDecoder(errors: DecodeErrors, path: string): Decoder {
  let offset = 0;
  return {
    decode(bytes) {
      const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let bad = -1;
      for (let i = 0; i < b.length; i++) {
        if (b[i] >= 0x80) {
          bad = i;
          break;
        }
      }
      const at = offset;
      offset += b.length;
      if (bad < 0) return b.toString('latin1');
      if (errors === 'strict') {
        throw new TypeError(
          `Cannot decode ${path} as ascii: byte 0x${b[bad].toString(16)} at offset ${at + bad} is not ASCII (pass errors: 'replace' or 'ignore' to read it anyway)`,
        );
      }
      let out = '';
      for (let i = 0; i < b.length; i++) {
        const c = b[i];
        if (c < 0x80) out += String.fromCharCode(c);
        else if (errors === 'replace') out += '\ufffd';
      }
      return out;
    },
  };
}

/** The encodings toTextFiles can write. */
const WRITABLE: Readonly<Record<string, BufferEncoding>> = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  latin1: 'latin1',
  ascii: 'latin1',
};

/**
 * Checks an encoding for writing: one JavaScript can encode.
 *
 * @example
 * writeEncodingOption('utf8', 'toTextFiles'); // 'utf-8'
 */
export function writeEncodingOption(label: unknown, op: string): string {
  const e = encodingOption(label, op);
  if (!(e in WRITABLE)) {
    throw new RangeError(
      `${op}: cannot write encoding '${String(label)}': JavaScript has encoders for 'utf-8', 'utf-16le', 'latin1' and 'ascii' only`,
    );
  }
  return e;
}

/**
 * Encodes `text` for a file (`encoding` from writeEncodingOption); a character the encoding cannot
 * hold is an error naming the path.
 *
 * @example
 * encodeText('abc', 'ascii', 'out.txt');
 */
export function encodeText(text: string, encoding: string, path: string): Buffer {
  const limit = encoding === 'ascii' ? 0x7f : encoding === 'latin1' ? 0xff : -1;
  if (limit > 0) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > limit) {
        throw new TypeError(
          `Cannot encode the text for ${path} as ${encoding}: character ${JSON.stringify(text[i])} at index ${i} is out of range`,
        );
      }
    }
  }
  return Buffer.from(text, WRITABLE[encoding] ?? 'utf8');
}
