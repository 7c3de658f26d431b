// `df.query('a > 5 and b == "x"')`: a small recursive-descent parser from pandas' query syntax
// into the same expressions `col()` builds, parsed once when the query is built. It knows the
// dataframe's schema, so an unknown column is an error naming it, its position and the columns
// that exist; any other syntax error names the position and what was found there.
//
// Grammar (lowest precedence first): `or` / `|`; `and` / `&`; `not` / `~`; comparisons `== != <
// <= > >=` (chains such as `1 < a < 5` mean `1 < a and a < 5`) and `in` / `not in` a list;
// `+ -`; `* /`; unary `-`; operands: numbers, 'single' or "double" quoted strings, true / false
// (also True / False), column names (letters, digits, _), `back quoted` column names, and
// parentheses.
import type { Schema } from './dtypes.js';
import { col, lit, Expr, type Literal } from './expr.js';

interface Token {
  readonly kind: 'num' | 'str' | 'name' | 'op' | 'end';
  readonly text: string;
  readonly value?: number | string;
  readonly pos: number;
}

const OPS = [
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '(',
  ')',
  '[',
  ']',
  ',',
  '&',
  '|',
  '~',
];

function fail(src: string, pos: number, what: string): never {
  throw new SyntaxError(`query: ${what} at position ${pos} in ${JSON.stringify(src)}`);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'num', text: m[0], value: Number(m[0]), pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        s += src[i++];
      }
      if (i >= src.length) fail(src, start, 'unterminated string');
      i++;
      out.push({ kind: 'str', text: src.slice(start, i), value: s, pos: start });
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) fail(src, start, 'unterminated `column name`');
      out.push({
        kind: 'name',
        text: src.slice(start, end + 1),
        value: src.slice(i + 1, end),
        pos: start,
      });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'name', text: m[0], value: m[0], pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) fail(src, start, `unexpected character '${c}'`);
    i += op.length;
    out.push({ kind: 'op', text: op, pos: start });
  }
  out.push({ kind: 'end', text: 'the end', pos: src.length });
  return out;
}

const CMP: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = {
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'True', 'False']);

/**
 * Parses a pandas-style query into an expression over `schema`. @internal
 *
 * @example
 * parseQuery('a > 5 and b == "x"', df.schema); // col('a').gt(5).and(col('b').eq('x'))
 */
export function parseQuery(src: string, schema: Schema): Expr {
  if (typeof src !== 'string') throw new TypeError('query expects a string');
  const toks = tokenize(src);
  const names = new Set(schema.map(([n]) => n));
  let at = 0;
  const peek = (): Token => toks[at];
  const isWord = (w: string): boolean => peek().kind === 'name' && peek().text === w;
  const isOp = (o: string): boolean => peek().kind === 'op' && peek().text === o;
  const expect = (o: string): void => {
    if (!isOp(o)) fail(src, peek().pos, `expected '${o}', found ${show(peek())}`);
    at++;
  };
  const show = (t: Token): string => (t.kind === 'end' ? 'the end' : `'${t.text}'`);

  const literal = (): Literal => {
    const t = peek();
    if (t.kind === 'num' || t.kind === 'str') {
      at++;
      return t.value!;
    }
    if (isOp('-') && toks[at + 1]?.kind === 'num') {
      at += 2;
      return -(toks[at - 1].value as number);
    }
    if (t.kind === 'name' && /^(true|false|True|False)$/.test(t.text)) {
      at++;
      return t.text.toLowerCase() === 'true';
    }
    return fail(src, t.pos, `expected a literal in the list, found ${show(t)}`);
  };

  const list = (): Literal[] => {
    const close = isOp('[') ? ']' : isOp('(') ? ')' : undefined;
    if (close === undefined)
      fail(src, peek().pos, `expected a list after 'in', found ${show(peek())}`);
    at++;
    const out: Literal[] = [];
    while (!isOp(close)) {
      out.push(literal());
      if (!isOp(close)) expect(',');
    }
    at++;
    return out;
  };

  const primary = (): Expr => {
    const t = peek();
    if (t.kind === 'num' || t.kind === 'str') {
      at++;
      return lit(t.value!);
    }
    if (t.kind === 'name' && (t.text.startsWith('`') || !KEYWORDS.has(t.text))) {
      at++;
      const name = t.value as string;
      if (!names.has(name)) {
        throw new Error(
          `query: unknown column '${name}' at position ${t.pos} in ${JSON.stringify(src)}; the columns are ${[...names].map((n) => `'${n}'`).join(', ')}`,
        );
      }
      return col(name);
    }
    if (t.kind === 'name' && /^(true|false|True|False)$/.test(t.text)) {
      at++;
      return lit(t.text.toLowerCase() === 'true');
    }
    if (isOp('(')) {
      at++;
      const e = or();
      expect(')');
      return e;
    }
    return fail(src, t.pos, `unexpected ${show(t)}`);
  };

  const unary = (): Expr => {
    if (isOp('-')) {
      at++;
      if (peek().kind === 'num') {
        at++;
        return lit(-(toks[at - 1].value as number));
      }
      return lit(0).sub(unary());
    }
    return primary();
  };

  const mul = (): Expr => {
    let e = unary();
    while (isOp('*') || isOp('/')) {
      const op = peek().text;
      at++;
      const r = unary();
      e = op === '*' ? e.mul(r) : e.div(r);
    }
    return e;
  };

  const add = (): Expr => {
    let e = mul();
    while (isOp('+') || isOp('-')) {
      const op = peek().text;
      at++;
      const r = mul();
      e = op === '+' ? e.add(r) : e.sub(r);
    }
    return e;
  };

  const cmp = (): Expr => {
    const first = add();
    if (isWord('in') || (isWord('not') && toks[at + 1]?.text === 'in')) {
      const negate = isWord('not');
      at += negate ? 2 : 1;
      const e = first.isin(list());
      return negate ? e.not() : e;
    }
    let left = first;
    let out: Expr | undefined;
    while (peek().kind === 'op' && peek().text in CMP) {
      const op = CMP[peek().text];
      at++;
      const right = add();
      const c = left[op](right);
      out = out === undefined ? c : out.and(c);
      left = right;
    }
    return out ?? first;
  };

  const not = (): Expr => {
    if (isWord('not') || isOp('~')) {
      at++;
      return not().not();
    }
    return cmp();
  };

  const and = (): Expr => {
    let e = not();
    while (isWord('and') || isOp('&')) {
      at++;
      e = e.and(not());
    }
    return e;
  };

  const or = (): Expr => {
    let e = and();
    while (isWord('or') || isOp('|')) {
      at++;
      e = e.or(and());
    }
    return e;
  };

  const e = or();
  if (peek().kind !== 'end') fail(src, peek().pos, `unexpected ${show(peek())}`);
  return e;
}
