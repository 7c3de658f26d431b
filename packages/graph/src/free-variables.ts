// Free-variable analysis of one function's source with acorn: the names a function reads or
// writes that it does not declare itself (parameters, var/let/const/class/function declarations,
// catch parameters, its own name) and that are not JavaScript/Node globals. Block scoping is
// followed; `typeof x` of an undeclared name is allowed (it cannot throw). Shorthand methods
// (`foo(x) { ... }`) are rewritten to function expressions first.
import { parse } from 'acorn';
import { JS_GLOBALS } from './js-globals.js';

/** A loosely typed ESTree node. */
interface N {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The outcome of analysing a function's text. */
export type Analysis =
  | { readonly ok: true; readonly source: string; readonly free: readonly string[] }
  | { readonly ok: false; readonly problem: string };

class Scope {
  readonly names = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}
  has(name: string): boolean {
    return this.names.has(name) || (this.parent !== undefined && this.parent.has(name));
  }
}

const METHOD = /^(async\s+)?(\*\s*)?(?:[A-Za-z_$][\w$]*|\[[^\]]*\]|'[^']*'|"[^"]*"|\d+)\s*\(/;

/**
 * Parses a function's text (arrow, function expression, async, generator or shorthand method);
 * with `classes`, a class's text too (helpers passed in `scope` may be classes).
 */
export function analyseFunction(text: string, classes = false): Analysis {
  const trimmed = text.trim();
  if (/^class\b/.test(trimmed)) {
    if (!classes) return { ok: false, problem: 'the value is a class, not a function' };
    const cls = parseExpression(trimmed, 'ClassExpression');
    if (cls === undefined)
      return {
        ok: false,
        problem: `the class's source text could not be parsed: ${shorten(trimmed)}`,
      };
    const free = new Set<string>();
    new Walker(free).expr(cls, new Scope(undefined));
    return { ok: true, source: trimmed, free: [...free] };
  }
  let source = trimmed;
  let fn = parseFunction(source);
  if (fn === undefined) {
    const m = METHOD.exec(trimmed);
    if (m !== null && !/^(function|async\s+function)\b/.test(trimmed)) {
      source = `${m[1] ?? ''}function${m[2] !== undefined ? '*' : ''} (${trimmed.slice(m[0].length)}`;
      fn = parseFunction(source);
    }
  }
  if (fn === undefined) {
    return {
      ok: false,
      problem: `the function's source text could not be parsed as a function: ${shorten(trimmed)}`,
    };
  }
  const free = new Set<string>();
  new Walker(free).fn(fn, new Scope(undefined));
  return { ok: true, source, free: [...free] };
}

function parseFunction(source: string): N | undefined {
  return parseExpression(source, 'ArrowFunctionExpression', 'FunctionExpression');
}

function parseExpression(source: string, ...types: string[]): N | undefined {
  try {
    const program = parse(`(${source}\n)`, {
      ecmaVersion: 'latest',
      sourceType: 'script',
    }) as unknown as N;
    const body = program.body as N[];
    if (body.length !== 1 || body[0].type !== 'ExpressionStatement') return undefined;
    const e = body[0].expression as N;
    return types.includes(e.type) ? e : undefined;
  } catch {
    return undefined;
  }
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const isNode = (v: unknown): v is N =>
  typeof v === 'object' && v !== null && typeof (v as N).type === 'string';

class Walker {
  constructor(private readonly free: Set<string>) {}

  private use(name: string, scope: Scope): void {
    if (!scope.has(name) && !JS_GLOBALS.has(name)) this.free.add(name);
  }

  fn(node: N, parent: Scope): void {
    const scope = new Scope(parent);
    if (node.type === 'FunctionExpression' && isNode(node.id))
      scope.names.add(node.id.name as string);
    const params = node.params as N[];
    for (const p of params) declarePattern(p, scope);
    for (const p of params) this.patternExpressions(p, scope);
    const body = node.body as N;
    if (body.type === 'BlockStatement') {
      hoistVars(body, scope);
      this.statements(body.body as N[], scope);
    } else this.expr(body, scope);
  }

  private statements(list: N[], scope: Scope): void {
    for (const s of list) declareLexical(s, scope);
    for (const s of list) this.expr(s, scope);
  }

  private patternExpressions(p: N, scope: Scope): void {
    switch (p.type) {
      case 'AssignmentPattern':
        this.patternExpressions(p.left as N, scope);
        this.expr(p.right as N, scope);
        return;
      case 'ObjectPattern':
        for (const prop of p.properties as N[]) {
          if (prop.type === 'RestElement') this.patternExpressions(prop.argument as N, scope);
          else {
            if (prop.computed === true) this.expr(prop.key as N, scope);
            this.patternExpressions(prop.value as N, scope);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of p.elements as (N | null)[])
          if (el !== null) this.patternExpressions(el, scope);
        return;
      case 'RestElement':
        this.patternExpressions(p.argument as N, scope);
        return;
      case 'Identifier':
        return;
      default:
        // A member expression as an assignment target.
        this.expr(p, scope);
    }
  }

  /** Visits any node: statements and expressions alike. */
  expr(node: N, scope: Scope): void {
    switch (node.type) {
      case 'Identifier':
        this.use(node.name as string, scope);
        return;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'FunctionDeclaration':
        this.fn(node, scope);
        return;
      case 'BlockStatement':
      case 'StaticBlock': {
        const inner = new Scope(scope);
        this.statements(node.body as N[], inner);
        return;
      }
      case 'VariableDeclaration':
        for (const d of node.declarations as N[]) {
          this.patternExpressions(d.id as N, scope);
          if (isNode(d.init)) this.expr(d.init, scope);
        }
        return;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = new Scope(scope);
        const head = (node.type === 'ForStatement' ? node.init : node.left) as N | null;
        if (head !== null) {
          declareLexical(head, inner);
          if (head.type === 'VariableDeclaration') this.expr(head, inner);
          else this.patternTarget(head, inner);
        }
        for (const f of ['test', 'update', 'right', 'body'])
          if (isNode(node[f])) this.expr(node[f], inner);
        return;
      }
      case 'SwitchStatement': {
        this.expr(node.discriminant as N, scope);
        const inner = new Scope(scope);
        const cases = node.cases as N[];
        for (const c of cases) for (const s of c.consequent as N[]) declareLexical(s, inner);
        for (const c of cases) {
          if (isNode(c.test)) this.expr(c.test, inner);
          for (const s of c.consequent as N[]) this.expr(s, inner);
        }
        return;
      }
      case 'CatchClause': {
        const inner = new Scope(scope);
        if (isNode(node.param)) {
          declarePattern(node.param, inner);
          this.patternExpressions(node.param, inner);
        }
        this.expr(node.body as N, inner);
        return;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const inner = new Scope(scope);
        if (isNode(node.id)) inner.names.add(node.id.name as string);
        if (isNode(node.superClass)) this.expr(node.superClass, scope);
        for (const m of (node.body as N).body as N[]) {
          if (m.computed === true) this.expr(m.key as N, inner);
          if (isNode(m.value)) this.expr(m.value, inner);
          else if (m.type === 'StaticBlock') this.expr(m, inner);
        }
        return;
      }
      case 'MemberExpression':
        this.expr(node.object as N, scope);
        if (node.computed === true) this.expr(node.property as N, scope);
        return;
      case 'Property':
        if (node.computed === true) this.expr(node.key as N, scope);
        this.expr(node.value as N, scope);
        return;
      case 'AssignmentExpression':
        this.patternTarget(node.left as N, scope);
        this.expr(node.right as N, scope);
        return;
      case 'UnaryExpression':
        if (
          node.operator === 'typeof' &&
          isNode(node.argument) &&
          node.argument.type === 'Identifier'
        )
          return;
        this.expr(node.argument as N, scope);
        return;
      case 'LabeledStatement':
        this.expr(node.body as N, scope);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
      case 'ThisExpression':
      case 'Super':
      case 'Literal':
      case 'PrivateIdentifier':
        return;
      default:
        for (const key in node) {
          if (key === 'type' || key === 'loc' || key === 'start' || key === 'end') continue;
          const v = node[key];
          if (Array.isArray(v)) {
            for (const c of v) if (isNode(c)) this.expr(c, scope);
          } else if (isNode(v)) this.expr(v, scope);
        }
    }
  }

  /** An assignment target: identifiers in it are written, so they count as used. */
  private patternTarget(p: N, scope: Scope): void {
    const names = new Scope(undefined);
    declarePattern(p, names);
    for (const name of names.names) this.use(name, scope);
    this.patternExpressions(p, scope);
  }
}

/** Adds the names bound by a pattern. */
function declarePattern(p: N, scope: Scope): void {
  switch (p.type) {
    case 'Identifier':
      scope.names.add(p.name as string);
      return;
    case 'AssignmentPattern':
      declarePattern(p.left as N, scope);
      return;
    case 'RestElement':
      declarePattern(p.argument as N, scope);
      return;
    case 'ObjectPattern':
      for (const prop of p.properties as N[])
        declarePattern((prop.type === 'RestElement' ? prop.argument : prop.value) as N, scope);
      return;
    case 'ArrayPattern':
      for (const el of p.elements as (N | null)[]) if (el !== null) declarePattern(el, scope);
      return;
  }
}

/** Declares a statement's block-scoped names (let, const, class, function) in `scope`. */
function declareLexical(s: N, scope: Scope): void {
  if (s.type === 'VariableDeclaration' && s.kind !== 'var') {
    for (const d of s.declarations as N[]) declarePattern(d.id as N, scope);
  } else if ((s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration') && isNode(s.id)) {
    scope.names.add(s.id.name as string);
  }
}

/** Declares every `var` (and nested function declaration) of a function body in its scope. */
function hoistVars(node: N, scope: Scope): void {
  const stack: N[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as N;
    if (n.type === 'VariableDeclaration' && n.kind === 'var') {
      for (const d of n.declarations as N[]) declarePattern(d.id as N, scope);
    }
    if (n.type === 'FunctionDeclaration' && isNode(n.id)) scope.names.add(n.id.name as string);
    for (const key in n) {
      const v = n[key];
      const visit = (c: unknown): void => {
        if (isNode(c) && !/Function|Class/.test(c.type)) stack.push(c);
        else if (isNode(c) && c.type === 'FunctionDeclaration' && isNode(c.id))
          scope.names.add(c.id.name as string);
      };
      if (Array.isArray(v)) v.forEach(visit);
      else visit(v);
    }
  }
}
