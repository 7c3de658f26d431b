// The plain reference for readText's records: Python's universal newlines ('\n', '\r\n' and '\r'
// end a line, each read as '\n'), with the terminator kept or stripped.

/** The lines of `text` as readText gives them by default (`keep`) or with keepDelimiter: false. */
export function universalLines(text: string, keep = true): string[] {
  const out: string[] = [];
  const re = /\r\n|\r|\n/g;
  let p = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push(text.slice(p, m.index) + (keep ? '\n' : ''));
    p = m.index + m[0].length;
  }
  if (p < text.length) out.push(text.slice(p));
  return out;
}
