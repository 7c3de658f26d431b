// Kernels of dates and timestamps: calendar fields from day numbers with integer arithmetic (the
// proleptic Gregorian calendar, UTC; no Date objects per row), flooring to fixed frequencies
// counted from the epoch (as pandas does), and parsing / formatting ISO 8601 text straight from
// and to bytes. A timestamp is milliseconds since the epoch in a float64; a date32 is days.
import { isValid, type Col } from './columns.js';
import type { DtFn } from './dt.js';
import { Utf8Builder } from './kernels-str.js';

/** Milliseconds in a day. @internal */
export const DAY_MS = 86400000;

/** Days since 1970-01-01 of a civil date (month 1-12). @internal */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Writes [year, month (1-12), day] of a day number into `out`. @internal */
export function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
}

/** The length in milliseconds of a fixed frequency ('15min', 'h', 'D', ...). @internal */
export function freqMs(freq: string): number {
  const m = /^(\d*)\s*(D|d|days?|H|h|hours?|T|min|minutes?|S|s|seconds?|L|ms)$/.exec(freq.trim());
  const n = m === null ? NaN : m[1] === '' ? 1 : Number(m[1]);
  if (m === null || !(n > 0))
    throw new Error(
      `dt.floor: unsupported frequency '${freq}'; use a fixed one such as 'D', '6h', '15min', '30s' or '100ms'`,
    );
  const u = m[2];
  const unit = /^[Dd]/.test(u)
    ? DAY_MS
    : /^[Hh]/.test(u)
      ? 3600000
      : u === 'T' || u.startsWith('min')
        ? 60000
        : u === 'L' || u === 'ms'
          ? 1
          : 1000;
  return n * unit;
}

/** The day number and milliseconds into the day of row i. */
function dayOf(c: Extract<Col, { type: 'date32' | 'timestamp' }>, i: number): number {
  return c.type === 'date32' ? c.values[i] : Math.floor(c.values[i] / DAY_MS);
}

function msOfDay(c: Extract<Col, { type: 'date32' | 'timestamp' }>, i: number): number {
  if (c.type === 'date32') return 0;
  const x = c.values[i];
  return x - Math.floor(x / DAY_MS) * DAY_MS;
}

/** A date function of a date32 or timestamp column; nulls stay null. @internal */
export function dtCol(fn: DtFn, c: Col, args: readonly (string | number)[]): Col {
  if (c.type !== 'date32' && c.type !== 'timestamp')
    throw new TypeError(`dt.${fn} needs a date32 or timestamp column, got ${c.type}`);
  const n = c.length;
  if (fn === 'floor' || fn === 'normalize') {
    const unit = fn === 'normalize' ? DAY_MS : freqMs(String(args[0]));
    if (c.type === 'date32') {
      const k = Math.max(1, Math.floor(unit / DAY_MS));
      if (k === 1) return c;
      const values = new Int32Array(n);
      for (let i = 0; i < n; i++) values[i] = Math.floor(c.values[i] / k) * k;
      return { type: 'date32', length: n, values, valid: c.valid };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.floor(c.values[i] / unit) * unit;
    return { type: 'timestamp', length: n, values, valid: c.valid };
  }
  if (fn === 'date') {
    const values = new Int32Array(n);
    for (let i = 0; i < n; i++) values[i] = dayOf(c, i);
    return { type: 'date32', length: n, values, valid: c.valid };
  }
  const values = new Int32Array(n);
  const ymd = new Int32Array(3);
  for (let i = 0; i < n; i++) {
    if (!isValid(c.valid, i)) continue;
    const d = dayOf(c, i);
    switch (fn) {
      case 'year':
      case 'month':
      case 'day':
      case 'quarter':
        civilFromDays(d, ymd);
        values[i] =
          fn === 'year'
            ? ymd[0]
            : fn === 'month'
              ? ymd[1]
              : fn === 'day'
                ? ymd[2]
                : ((ymd[1] - 1) / 3 + 1) | 0;
        break;
      case 'dayofyear':
        civilFromDays(d, ymd);
        values[i] = d - daysFromCivil(ymd[0], 1, 1) + 1;
        break;
      case 'dayofweek':
        // 1970-01-01 was a Thursday; Monday is 0, as in pandas.
        values[i] = (((d + 3) % 7) + 7) % 7;
        break;
      case 'hour':
        values[i] = Math.floor(msOfDay(c, i) / 3600000);
        break;
      case 'minute':
        values[i] = Math.floor(msOfDay(c, i) / 60000) % 60;
        break;
      case 'second':
        values[i] = Math.floor(msOfDay(c, i) / 1000) % 60;
        break;
    }
  }
  return { type: 'int32', length: n, values, valid: c.valid };
}

function digits(b: Uint8Array, i: number, k: number): number {
  let x = 0;
  for (let j = 0; j < k; j++) {
    const d = b[i + j] - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    x = x * 10 + d;
  }
  return x;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since the epoch of ISO 8601 text in bytes [s, e): `YYYY-MM-DD` (or with `/`),
 * optionally followed by `T` or a space, `HH:MM[:SS[.fff...]]` and `Z` or an offset `±HH[:MM]`;
 * NaN when the text is not one. @internal
 */
export function parseDateBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (e - s < 10) return NaN;
  const y = digits(b, s, 4);
  const sep = b[s + 4];
  if (y < 0 || (sep !== 45 && sep !== 47) || b[s + 7] !== sep) return NaN;
  const mo = digits(b, s + 5, 2);
  const d = digits(b, s + 8, 2);
  if (mo < 1 || mo > 12 || d < 1) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > DAYS_IN_MONTH[mo - 1] + (mo === 2 && leap ? 1 : 0)) return NaN;
  let ms = daysFromCivil(y, mo, d) * DAY_MS;
  let i = s + 10;
  if (i === e) return ms;
  if (b[i] !== 84 && b[i] !== 32) return NaN; // 'T' or ' '
  i++;
  if (e - i < 5 || b[i + 2] !== 58) return NaN;
  const hh = digits(b, i, 2);
  const mm = digits(b, i + 3, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return NaN;
  ms += hh * 3600000 + mm * 60000;
  i += 5;
  if (i < e && b[i] === 58) {
    const ss = digits(b, i + 1, 2);
    if (ss < 0 || ss > 59) return NaN;
    ms += ss * 1000;
    i += 3;
    if (i < e && b[i] === 46) {
      i++;
      let scale = 100;
      const start = i;
      while (i < e && b[i] >= 48 && b[i] <= 57) {
        ms += (b[i] - 48) * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return NaN;
    }
  }
  if (i === e) return ms;
  if (b[i] === 90 && i + 1 === e) return ms; // 'Z'
  if (b[i] !== 43 && b[i] !== 45) return NaN;
  const sign = b[i] === 43 ? 1 : -1;
  const oh = digits(b, i + 1, 2);
  let j = i + 3;
  if (j < e && b[j] === 58) j++;
  const om = j < e ? digits(b, j, 2) : 0;
  if (oh < 0 || om < 0 || (j < e && j + 2 !== e)) return NaN;
  return ms - sign * (oh * 3600000 + om * 60000);
}

const encoder = new TextEncoder();

/** Milliseconds since the epoch of an ISO 8601 string (NaN when it is not one). @internal */
export function parseDateText(s: string): number {
  const b = encoder.encode(s);
  return parseDateBytes(b, 0, b.length);
}

const pad = (x: number, k: number): string => String(x).padStart(k, '0');

/** ISO text of a day number: `YYYY-MM-DD`. @internal */
export function formatDay(days: number, ymd = new Int32Array(3)): string {
  civilFromDays(days, ymd);
  const y = ymd[0] < 0 || ymd[0] > 9999 ? String(ymd[0]) : pad(ymd[0], 4);
  return `${y}-${pad(ymd[1], 2)}-${pad(ymd[2], 2)}`;
}

/** Text of a timestamp as pandas prints one: `YYYY-MM-DD HH:MM:SS[.fff]`. @internal */
export function formatTimestamp(ms: number, ymd = new Int32Array(3)): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const m = Math.floor(rest / 60000);
  rest -= m * 60000;
  const sec = Math.floor(rest / 1000);
  const frac = Math.round(rest - sec * 1000);
  const t = `${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}`;
  return `${formatDay(days, ymd)} ${t}${frac === 0 ? '' : `.${pad(frac, 3)}`}`;
}

/** A date32 or timestamp column as ISO text. @internal */
export function formatTemporal(c: Extract<Col, { type: 'date32' | 'timestamp' }>): Col {
  const n = c.length;
  const b = new Utf8Builder(n, n * 20);
  const ymd = new Int32Array(3);
  for (let i = 0; i < n; i++) {
    if (!isValid(c.valid, i)) b.nul();
    else {
      b.text(c.type === 'date32' ? formatDay(c.values[i], ymd) : formatTimestamp(c.values[i], ymd));
      b.end();
    }
  }
  return b.done();
}

/** A utf8 column parsed as dates or timestamps (text that is not ISO 8601 becomes null). @internal */
export function parseTemporal(c: Extract<Col, { type: 'utf8' }>, to: 'date32' | 'timestamp'): Col {
  const n = c.length;
  const values = to === 'date32' ? new Int32Array(n) : new Float64Array(n);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const ms = isValid(c.valid, i) ? parseDateBytes(c.data, c.offsets[i], c.offsets[i + 1]) : NaN;
    if (Number.isNaN(ms)) {
      valid ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      valid[i >> 3] &= ~(1 << (i & 7));
    } else values[i] = to === 'date32' ? Math.floor(ms / DAY_MS) : ms;
  }
  return { type: to, length: n, values, valid } as Col;
}
