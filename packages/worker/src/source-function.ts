// Rebuilding a `source` function reference into a function, the same way on every scheduler (the
// worker threads and processes, and the in-thread scheduler, which imports this). Scope values are
// bound by name, helpers (functions and classes the function uses) are rebuilt first, beside it.
//
// Stack frames: where the reference names its origin (the user's file and the line of the call
// that made it) and the function's text is found in that file, the rebuilt code is laid out so
// that V8 reports the user's own file, line and column (`at double (file:///app/main.mjs:4:11)`).
// Where the text is not found (TypeScript, whose compiled text differs from the file), frames
// read `dask-ts-source:double@file:///app/main.ts:20:3:15`: the function's name and the place
// that made the reference, then the position inside the function.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SourceRef } from '@dask-ts/protocol';

/** Files read to locate functions, per thread: the text, or null when it could not be read. */
const files = new Map<string, string | null>();
/** At most this many files are kept. */
const MAX_FILES = 64;

/** Where the function's text starts in its file (1-based line and column). */
interface Place {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/** Parses an origin such as `file:///app/main.mjs:12:7`. */
function parseOrigin(origin: string | undefined): Place | undefined {
  if (origin === undefined) return undefined;
  const m = /^(.+):(\d+):(\d+)$/.exec(origin);
  if (m === null) return undefined;
  return { url: m[1], line: Number(m[2]), column: Number(m[3]) };
}

function readFile(url: string): string | null {
  let text = files.get(url);
  if (text !== undefined) return text;
  try {
    text = url.startsWith('file:') ? readFileSync(fileURLToPath(url), 'utf8') : null;
  } catch {
    text = null;
  }
  if (files.size >= MAX_FILES) files.clear();
  files.set(url, text);
  return text;
}

/** The occurrence of `source` in the origin's file nearest to the origin's line, if any. */
function locate(source: string, origin: Place): Place | undefined {
  const text = readFile(origin.url);
  if (text === null || source.length === 0) return undefined;
  let best: Place | undefined;
  for (let at = text.indexOf(source); at >= 0; at = text.indexOf(source, at + 1)) {
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    const place = { url: origin.url, line, column: at - lineStart + 1 };
    if (best === undefined || Math.abs(line - origin.line) < Math.abs(best.line - origin.line))
      best = place;
  }
  return best;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  'arguments await break case catch class const continue debugger default delete do else enum eval export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield'.split(
    ' ',
  ),
);

/**
 * The body of the function that returns the rebuilt function, laid out so that the function's
 * text starts at `place` (the body's first line is line 3 of the code `new Function` compiles).
 */
function mainBody(ref: SourceRef, taken: ReadonlySet<string>, place: Place | undefined): string {
  const name = ref.name;
  // A binding gives an anonymous arrow the user's name in stack frames.
  const bind =
    name !== undefined && IDENTIFIER.test(name) && !RESERVED.has(name) && !taken.has(name)
      ? name
      : undefined;
  const head = bind !== undefined ? `"use strict"; const ${bind} =` : `"use strict"; return (`;
  const tail = bind !== undefined ? `\n;\nreturn ${bind};` : `\n);`;
  let lead = ' ';
  let url = `dask-ts-source:${(name ?? 'anonymous').replace(/[^\w$.-]/g, '_')}`;
  if (place !== undefined) {
    const found = locate(ref.source, place);
    if (found !== undefined && found.line >= 4) {
      lead = '\n'.repeat(found.line - 3) + ' '.repeat(found.column - 1);
      url = found.url;
    } else {
      url += `@${place.url}:${place.line}`;
    }
  }
  return `${head}${lead}${ref.source}${tail}\n//# sourceURL=${url}`;
}

/**
 * Evaluates a source reference: binds its scope values by name, rebuilds its helpers, and returns
 * what its text evaluates to (the caller checks that it is a function). `scopeValue` reads one
 * scope value (a worker decodes codec payloads there). Throws what evaluating the text throws.
 *
 * @example
 * const f = buildSourceFunction(
 *   { kind: 'source', source: '(x) => clamp(x * k)', scope: { k: 3 }, helpers: { clamp: '(v) => Math.min(v, 10)' } },
 *   (name, ref) => ref.scope[name],
 * ) as (x: number) => number;
 * f(5); // 10
 */
export function buildSourceFunction(
  ref: SourceRef,
  scopeValue: (name: string, ref: SourceRef) => unknown = (name, r) => r.scope[name],
): unknown {
  const names = Object.keys(ref.scope);
  const values = names.map((n) => scopeValue(n, ref));
  const helperNames = ref.helpers === undefined ? [] : Object.keys(ref.helpers);
  let helperValues: unknown[] = [];
  const place = parseOrigin(ref.origin);
  if (helperNames.length > 0) {
    // Every helper sees the scope and the other helpers; `let` keeps them callable from each
    // other whatever their order.
    const decls = helperNames.map((h) => `let ${h} = (${ref.helpers![h]}\n);`).join('\n');
    const where = place !== undefined ? `@${place.url}:${place.line}` : '';
    const factory = new Function(
      ...names,
      `"use strict";\n${decls}\nreturn [${helperNames.join(', ')}];\n//# sourceURL=dask-ts-helpers${where}`,
    ) as (...v: unknown[]) => unknown[];
    helperValues = factory(...values);
  }
  const taken = new Set([...names, ...helperNames]);
  const factory = new Function(...names, ...helperNames, mainBody(ref, taken, place)) as (
    ...v: unknown[]
  ) => unknown;
  return factory(...values, ...helperValues);
}
