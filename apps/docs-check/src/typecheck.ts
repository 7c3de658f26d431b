// Type-checks README blocks as a user's project would: strict, `module` and `moduleResolution`
// NodeNext, each block an ES module importing the built packages' declaration files (no source
// condition, and the packages' own .d.ts files are checked too: no skipLibCheck for them). One
// program holds every block, so the check costs one TypeScript start-up. Each error is reported
// at its README line.
import ts from 'typescript';
import type { ScratchFile } from './readmes.js';

/** The compiler options a block is checked under. @example ts.createProgram(files, userOptions) */
export const userOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  allowJs: true,
  checkJs: true,
  types: ['node'],
  skipLibCheck: false,
};

/**
 * The type errors of each block, keyed by scratch file path; a block without errors maps to `[]`.
 * Each message names the README line (`packages/protocol/README.md:31: TS2769 ...`).
 *
 * @example
 * const errors = typecheckBlocks(files);
 * expect(errors.get(files[0].path)).toEqual([]);
 */
export function typecheckBlocks(files: readonly ScratchFile[]): Map<string, string[]> {
  const program = ts.createProgram(
    files.map((f) => f.path),
    userOptions,
  );
  const byPath = new Map(files.map((f) => [ts.sys.resolvePath(f.path), f] as const));
  const errors = new Map<string, string[]>(files.map((f) => [f.path, []]));
  const elsewhere: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    const file = d.file && byPath.get(ts.sys.resolvePath(d.file.fileName));
    if (d.file && file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      errors
        .get(file.path)!
        .push(
          `${file.block.file}:${file.block.line + 1 + line}:${character + 1}: TS${d.code} ${text}`,
        );
    } else {
      const at = d.file ? `${d.file.fileName}: ` : '';
      elsewhere.push(`${at}TS${d.code} ${text}`);
    }
  }
  // An error outside the blocks (a broken .d.ts of a package, a bad option) fails every block.
  if (elsewhere.length > 0) for (const list of errors.values()) list.push(...elsewhere);
  return errors;
}
