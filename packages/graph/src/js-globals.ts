// The global names a function shipped as source may use: JavaScript's standard built-ins and the
// globals every Node.js worker thread and process has. A fixed list, not `globalThis` at run time,
// so test frameworks' or apps' own globals never pass for something a worker can see.

/** Names a `source` function may read without passing them in `scope`. */
export const JS_GLOBALS: ReadonlySet<string> = new Set([
  // Language
  'globalThis', 'undefined', 'NaN', 'Infinity', 'arguments', 'eval', 'isFinite', 'isNaN',
  'parseFloat', 'parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
  'escape', 'unescape',
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Math', 'JSON',
  'Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
  'Promise', 'Proxy', 'Reflect', 'Intl', 'WebAssembly', 'Atomics', 'Iterator',
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
  'AggregateError',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
  'BigInt64Array', 'BigUint64Array',
  // Node.js and web platform globals
  'console', 'process', 'Buffer', 'global', 'setTimeout', 'clearTimeout', 'setInterval',
  'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'structuredClone',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal',
  'EventTarget', 'Event', 'performance', 'crypto', 'fetch', 'Blob', 'atob', 'btoa',
  'MessageChannel', 'MessagePort', 'BroadcastChannel', 'Headers', 'Request', 'Response',
  'FormData', 'DOMException',
]);
