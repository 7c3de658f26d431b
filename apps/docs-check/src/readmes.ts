// Which Markdown files are the user's documentation: the root README and the README of every
// workspace (packages/* and apps/*). Each block is written to a scratch folder inside this
// workspace, so its imports of `@dask-ts/*` resolve as a user's would: through this workspace's
// dependencies to each package's `exports`, that is its built `dist` and declaration files.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBlocks, type CodeBlock } from './extract.js';

/** The repository root. @example join(repoRoot, 'README.md') */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where blocks are written (ignored by git). @example join(scratchDir, 'README-L40.mts') */
export const scratchDir = fileURLToPath(new URL('../.scratch/', import.meta.url));

/**
 * The README files of the repository, relative to its root, in a stable order.
 *
 * @example
 * readmeFiles(); // ['README.md', 'apps/docs-check/README.md', 'packages/bag/README.md', ...]
 */
export function readmeFiles(root = repoRoot): string[] {
  const found = ['README.md'];
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(group, name, 'README.md');
      if (existsSync(join(root, file))) found.push(file);
    }
  }
  return found;
}

/**
 * Every code block of every README.
 *
 * @example
 * allBlocks().filter((b) => b.mode === 'run').length; // how many blocks the test runs
 */
export function allBlocks(root = repoRoot): CodeBlock[] {
  return readmeFiles(root).flatMap((f) => extractBlocks(f, readFileSync(join(root, f), 'utf8')));
}

/** A block as a file in the scratch folder. */
export interface ScratchFile {
  readonly block: CodeBlock;
  /** `packages-graph-README-L23` */
  readonly id: string;
  /** Absolute path of the `.mts` (or `.mjs`) source. */
  readonly path: string;
}

/**
 * Writes each TypeScript or JavaScript block to a fresh scratch folder as its own ES module.
 *
 * @example
 * const files = writeScratch(allBlocks().filter((b) => b.mode !== 'skip'));
 */
export function writeScratch(blocks: readonly CodeBlock[], dir = scratchDir): ScratchFile[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return blocks.map((block) => {
    const id = `${block.file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-L${block.line}`;
    const ts = !['js', 'javascript', 'mjs'].includes(block.lang.toLowerCase());
    const path = join(dir, `${id}.${ts ? 'mts' : 'mjs'}`);
    writeFileSync(path, block.code);
    return { block, id, path };
  });
}

/** `packages/graph/README.md:23`, for messages. @example where(file.block) */
export function where(block: CodeBlock): string {
  return `${block.file}:${block.line}`;
}

/** A path relative to the repository root, for messages. @example fromRoot(file.path) */
export function fromRoot(path: string): string {
  return relative(repoRoot, path);
}
