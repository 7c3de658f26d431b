// Code blocks of a Markdown file, and what the docs check does with each. Policy: every fenced
// block names its language. TypeScript and JavaScript blocks are type-checked and run, unless the
// info string says `no-run` (type-checked only: for a fragment that cannot run on its own, such as
// one that waits for a signal). Blocks in other languages (`sh`, `text`, `json`...) are neither
// run nor checked, and the test lists them. A block without a language is an error.

/** What the docs check does with a code block. */
export type BlockMode = 'run' | 'typecheck' | 'skip';

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root (`packages/graph/README.md`). */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** The language word of the info string (`ts`), or `''` when there is none. */
  readonly lang: string;
  /** The words after the language in the info string (`['no-run']`). */
  readonly flags: readonly string[];
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  readonly mode: BlockMode;
}

const RUN = new Set(['ts', 'typescript', 'mts', 'js', 'javascript', 'mjs']);
const SKIP = new Set(['sh', 'bash', 'shell', 'console', 'text', 'txt', 'json', 'jsonc', 'diff']);
const FLAGS = new Set(['no-run']);

/**
 * The fenced code blocks of a Markdown text, in order. Throws, naming the file and line, on a
 * block without a language, of an unknown language, with an unknown flag, or never closed.
 *
 * @example
 * extractBlocks('README.md', '# x\n\n```ts\nconsole.log(1);\n```\n');
 * // [{ file: 'README.md', line: 3, lang: 'ts', flags: [], code: 'console.log(1);\n', mode: 'run' }]
 */
export function extractBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const where = `${file}:${i + 1}`;
    const [lang = '', ...flags] = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j === lines.length) throw new Error(`${where}: code block is never closed`);
    blocks.push({
      file,
      line: i + 1,
      lang,
      flags,
      code: body.join('\n') + '\n',
      mode: modeOf(where, lang.toLowerCase(), flags),
    });
    i = j;
  }
  return blocks;
}

function modeOf(where: string, lang: string, flags: readonly string[]): BlockMode {
  if (lang === '') {
    throw new Error(
      `${where}: code block has no language; write \`\`\`ts, \`\`\`sh, \`\`\`text...`,
    );
  }
  for (const flag of flags) {
    if (!FLAGS.has(flag)) {
      throw new Error(`${where}: unknown flag '${flag}' (known: ${[...FLAGS].join(', ')})`);
    }
  }
  if (RUN.has(lang)) return flags.includes('no-run') ? 'typecheck' : 'run';
  if (SKIP.has(lang)) return 'skip';
  throw new Error(
    `${where}: unknown language '${lang}' (run: ${[...RUN].join(', ')}; not run: ${[...SKIP].join(', ')})`,
  );
}
