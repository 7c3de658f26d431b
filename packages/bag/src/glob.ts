// A small glob expander over `fs.readdirSync` (Node 20 has no `fs.glob`): `*` matches within one
// path segment, `?` one character, `[abc]` a character class, and `**` any number of segments.
// Hidden entries are matched only by patterns that spell the dot. Results are sorted, so
// partitions follow a stable file order.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

/**
 * Whether a path contains glob characters.
 *
 * @example
 * hasMagic('logs/*.json'); // true
 */
export function hasMagic(p: string): boolean {
  return /[*?[]/.test(p);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let cls = seg.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The files (not directories) matching a glob pattern, as sorted absolute paths.
 *
 * @example
 * expandGlob('data/**\/*.csv');
 */
export function expandGlob(pattern: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(pattern);
  const parts = abs.split(/[\\/]+/);
  // The fixed prefix (no magic) is where the walk starts.
  let k = 0;
  while (k < parts.length && !hasMagic(parts[k])) k++;
  const root = parts.slice(0, k).join(sep) || sep;
  const rest = parts.slice(k);
  const out = new Set<string>();
  walk(root, rest, out);
  return [...out].sort();
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function walk(dir: string, segs: string[], out: Set<string>): void {
  if (segs.length === 0) {
    if (isFile(dir)) out.add(dir);
    return;
  }
  const [seg, ...rest] = segs as [string, ...string[]];
  if (seg === '**') {
    walk(dir, rest, out);
    for (const e of entries(dir)) {
      if (e.startsWith('.')) continue;
      const p = join(dir, e);
      if (isDir(p)) walk(p, segs, out);
    }
    return;
  }
  if (!hasMagic(seg)) {
    walk(join(dir, seg), rest, out);
    return;
  }
  const re = segmentRegex(seg);
  for (const e of entries(dir)) {
    if (e.startsWith('.') && !seg.startsWith('.')) continue;
    if (!re.test(e)) continue;
    const p = join(dir, e);
    if (rest.length === 0) {
      if (isFile(p)) out.add(p);
    } else if (isDir(p)) walk(p, rest, out);
  }
}
