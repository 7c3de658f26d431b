// README examples show results in comments; this checks them. Policy: a top-level statement whose
// trailing `//` comment starts with a plain literal (a number, string, boolean, null, or an array
// or object of those: `// [6, 8, 10]`, `// 15, on worker threads`) states its result, and the
// block fails when the result differs (node's isDeepStrictEqual). The result of `await expr;` or
// `expr;` is the expression's value; of a declaration, the declared names' values (one name: its
// value; `const [a, b] = ...`: `[a, b]`). Any other comment (`// FunctionRefError: ...`,
// `// total === 780`) is prose and is not checked. The check calls are inserted on the statement's
// own lines, so line numbers (and stack traces) stay those of the README.
import ts from 'typescript';

/** A checked statement: where it is and the literal its comment states. */
export interface Expectation {
  /** 1-based line of the comment in the block. */
  readonly line: number;
  /** The literal as written (`[6, 8, 10]`). */
  readonly literal: string;
}

/** The name of the check function inserted into blocks. */
const CHECK = '__docsCheck';

/**
 * The block's code with a check after each statement whose comment states a result, and the list
 * of those expectations. `where(line)` names a block line in failure messages.
 *
 * @example
 * const { code, expectations } = insertChecks('await f(); // 3\n', (l) => `README.md:${l + 10}`);
 * // code: '__docsCheck(await f(), 3, "README.md:11"); // 3\n...'
 */
export function insertChecks(
  source: string,
  where: (line: number) => string,
): { code: string; expectations: Expectation[] } {
  const file = ts.createSourceFile('block.mts', source, ts.ScriptTarget.ES2022, true);
  const edits: { at: number; text: string }[] = [];
  const expectations: Expectation[] = [];
  for (const stmt of file.statements) {
    const comment = ts
      .getTrailingCommentRanges(source, stmt.end)
      ?.find((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia);
    if (!comment) continue;
    const literal = leadingLiteral(source.slice(comment.pos + 2, comment.end));
    if (literal === undefined) continue;
    const line = file.getLineAndCharacterOfPosition(comment.pos).line + 1;
    const at = JSON.stringify(where(line));
    if (ts.isExpressionStatement(stmt)) {
      edits.push({ at: stmt.expression.getStart(file), text: `${CHECK}(` });
      edits.push({ at: stmt.expression.end, text: `, ${literal}, ${at})` });
    } else if (ts.isVariableStatement(stmt)) {
      const names = stmt.declarationList.declarations.flatMap((d) => boundNames(d.name));
      const value = names.length === 1 ? names[0] : `[${names.join(', ')}]`;
      edits.push({ at: stmt.end, text: ` ${CHECK}(${value}, ${literal}, ${at});` });
    } else {
      continue;
    }
    expectations.push({ line, literal });
  }
  let code = source;
  for (const e of edits.sort((a, b) => b.at - a.at)) {
    code = code.slice(0, e.at) + e.text + code.slice(e.at);
  }
  if (expectations.length > 0) code += checkFunction;
  return { code, expectations };
}

// Appended after the block (imports are hoisted, functions too), so its lines do not move. Plain
// JavaScript, valid in TypeScript and JavaScript blocks alike (blocks are not type-checked with it).
const checkFunction = `
import { inspect as __inspect, isDeepStrictEqual as __isDeepStrictEqual } from 'node:util';
function ${CHECK}(actual, expected, where) {
  if (__isDeepStrictEqual(actual, expected)) return;
  process.exitCode = 1;
  console.error(\`\${where}: the README says \${__inspect(expected)}, the code gives \${__inspect(actual, { depth: 4 })}\`);
}
`;

/**
 * The plain literal a comment starts with (the longest prefix ending at a comma, a colon, a
 * semicolon or the end that is one), or `undefined`.
 *
 * @example
 * leadingLiteral(' [21], in this thread'); // '[21]'
 * leadingLiteral(' FunctionRefError: ...'); // undefined
 */
export function leadingLiteral(comment: string): string | undefined {
  const text = comment.trim();
  const ends = [text.length];
  for (let i = text.length - 1; i > 0; i--) if (/[,:;]/.test(text[i])) ends.push(i);
  for (const end of ends) {
    const candidate = text.slice(0, end).trim();
    if (candidate === '') continue;
    const wrapped = `(${candidate});`;
    const syntaxErrors = ts.transpileModule(wrapped, { reportDiagnostics: true }).diagnostics;
    const parsed = ts.createSourceFile('c.ts', wrapped, ts.ScriptTarget.ES2022, true);
    const [stmt] = parsed.statements;
    if (
      syntaxErrors?.length === 0 &&
      parsed.statements.length === 1 &&
      ts.isExpressionStatement(stmt) &&
      ts.isParenthesizedExpression(stmt.expression) &&
      isPlainLiteral(stmt.expression.expression)
    ) {
      return candidate;
    }
  }
  return undefined;
}

function isPlainLiteral(node: ts.Expression): boolean {
  if (
    ts.isNumericLiteral(node) ||
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  ) {
    return true;
  }
  if (ts.isPrefixUnaryExpression(node)) {
    return node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand);
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isPlainLiteral);
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (p) =>
        ts.isPropertyAssignment(p) &&
        (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
        isPlainLiteral(p.initializer),
    );
  }
  return false;
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isBindingElement(e) ? boundNames(e.name) : []));
}
