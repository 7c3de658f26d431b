// Where the user made a function reference: the first stack frame outside dask-ts's own packages
// (graph, bag and the others, installed under node_modules/@dask-ts or in this repository's
// packages/*/src|dist; test files count as the user's). A worker rebuilding the function names its
// code after that file, so stack traces point at the user's file rather than at dask-ts. Read once
// per reference made (references are cached per function), never per task.

const INTERNAL =
  /[\\/](?:node_modules[\\/]@dask-ts[\\/][^\\/]+|packages[\\/](?:protocol|graph|scheduler|worker|bag|client|array|dataframe))[\\/](?:src|dist)[\\/]/;
/** Test runners' own frames (a reference made while a test module loads) name no user file. */
const RUNNER = /[\\/]node_modules[\\/](?:jest[\w-]*|@jest)[\\/]/;
const TEST = /(?:\.test\.[cm]?[jt]sx?|[\\/]__tests__[\\/])/;
const FRAME = /\(?((?:file:\/\/|\/|[A-Za-z]:\\)[^()\s]*?):(\d+):(\d+)\)?\s*$/;

function toUrl(path: string): string {
  if (path.startsWith('file://')) return path;
  if (path.startsWith('/')) return `file://${encodeURI(path)}`;
  return `file:///${encodeURI(path.replace(/\\/g, '/'))}`;
}

/**
 * The `file:` URL, line and column (`file:///app/main.mjs:12:7`) of the innermost caller outside
 * dask-ts, or undefined when none is found.
 *
 * @example
 * const origin = callerOrigin(); // 'file:///app/main.mjs:12:7'
 */
export function callerOrigin(): string | undefined {
  // Fast path: V8's structured call sites, without formatting the stack as text (that costs
  // tens of microseconds, paid for every new lambda a loop passes to `delayed`). Only where the
  // stack text would say the same: no source maps and no custom stack formatter installed.
  if (plainStacks()) {
    // The user's frame is usually a few frames up: look at a short stack first (capturing costs
    // per frame), and at a long one only when the short one is all dask-ts.
    let structured = true;
    for (const depth of [SHORT_STACK, LONG_STACK]) {
      const sites = callSites(depth);
      if (sites === undefined) {
        structured = false;
        break;
      }
      for (const site of sites) {
        const file = site.getFileName();
        if (file === undefined || file === null || !/^(?:file:\/\/|\/|[A-Za-z]:\\)/.test(file))
          continue;
        if ((INTERNAL.test(file) && !TEST.test(file)) || RUNNER.test(file)) continue;
        return `${toUrl(file)}:${site.getLineNumber()}:${site.getColumnNumber()}`;
      }
      if (sites.length < depth) return undefined;
    }
    if (structured) return undefined;
  }
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  let stack: string | undefined;
  try {
    stack = new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (stack === undefined) return undefined;
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const m = FRAME.exec(lines[i]);
    if (m === null) continue;
    const file = m[1];
    if ((INTERNAL.test(file) && !TEST.test(file)) || RUNNER.test(file)) continue;
    return `${toUrl(file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** Whether stacks are formatted by Node's own formatter, without source maps. */
function plainStacks(): boolean {
  const prepare = Error.prepareStackTrace;
  return (
    (prepare === undefined || prepare.name === 'ErrorPrepareStackTrace') &&
    process.sourceMapsEnabled !== true
  );
}

/** Frames looked at first, and at most. */
const SHORT_STACK = 10;
const LONG_STACK = 40;

/** The current call sites (innermost first), or undefined where V8 does not provide them. */
function callSites(depth: number): NodeJS.CallSite[] | undefined {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  Error.stackTraceLimit = depth;
  Error.prepareStackTrace = (_err, sites) => sites;
  try {
    Error.captureStackTrace(holder, callerOrigin);
    return Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : undefined;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}
