// Shared lint config: typescript-eslint's recommended type-aware rules, plus no floating promises
// and no value import cycles. A cycle among modules works only as long as nothing uses an imported
// binding while the modules load, and breaks silently the day someone does; type-only imports are
// erased at build time and cannot form one, so they are ignored. Imports resolve through the
// TypeScript resolver (our `./x.js` specifiers name `./x.ts` files). A non-null assertion that
// asserts nothing (an array read, with `noUncheckedIndexedAccess` off) is refused: `!` is kept for
// the places where it narrows (a Map lookup, a pop), so that each one means something.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': [
        'error',
        { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false },
      ],
    },
  },
);
