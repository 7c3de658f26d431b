// Type-checks a package's published declarations (every dist/**/*.d.ts, with skipLibCheck off),
// run from the package directory after its build. The build strips `@internal` members and
// exports from the declarations (`stripInternal`): a public declaration that still names a
// stripped one would compile here no more than in a user's project, so this refuses it, naming
// the file and the missing name.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function declarations(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...declarations(path));
    else if (entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const files = declarations('dist');
const program = ts.createProgram(files, {
  noEmit: true,
  strict: true,
  skipLibCheck: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
});
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) {
  const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnostics(diagnostics, host));
  console.error(`${diagnostics.length} error(s) in the published declarations (dist/**/*.d.ts)`);
  process.exit(1);
}
console.log(`published declarations check: ${files.length} files, no errors`);
