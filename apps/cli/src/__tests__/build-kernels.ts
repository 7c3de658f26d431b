// Test helper: makes sure dist/demo/kernels.js (what worker threads import) exists and is not
// older than its source, transpiling kernels.ts alone when needed. kernels.ts imports only Node
// built-ins, so its transpiled form is exactly what `tsc` would emit.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Builds dist/demo/kernels.js from src/demo/kernels.ts when it is missing or stale.
 *
 * @example
 * beforeAll(() => ensureKernelsBuilt());
 */
export function ensureKernelsBuilt(): void {
  const src = fileURLToPath(new URL('../demo/kernels.ts', import.meta.url));
  const out = fileURLToPath(new URL('../../dist/demo/kernels.js', import.meta.url));
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return;
  const js = ts.transpileModule(readFileSync(src, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
    fileName: src,
  }).outputText;
  mkdirSync(fileURLToPath(new URL('../../dist/demo/', import.meta.url)), { recursive: true });
  writeFileSync(out, js);
}
