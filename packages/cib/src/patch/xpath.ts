import { type XmlElement, walkElements } from "../xml/node.js";

/**
 * The XPath 1.0 subset administrators give cibadmin and Pacemaker's own scripts use:
 * absolute and relative location paths, `//`, `*`, `.`, `..`, predicates with `@attr`,
 * `@attr='v'` (and != < <= > >=), positions (`[2]`, `[last()]`, `position()<3`), `and`, `or`,
 * `not()`, `starts-with()`, `contains()`, `name()`, and `|` unions. Results come in document order.
 * Of the named axes, `child::`, `self::`, `parent::` and `attribute::` (the long forms of the
 * above); any other axis is refused with what is supported rather than matching nothing.
 */
export class XPathError extends Error {
  constructor(
    readonly expression: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`invalid XPath '${expression}' at character ${offset + 1}: ${reason}`);
    this.name = "XPathError";
  }
}

type Tok = { t: string; v: string; at: number };

const NAME = /^[A-Za-z_][\w.\-:]*/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === "//" || two === "!=" || two === "<=" || two === ">=" || two === "..") {
      out.push({ t: two, v: two, at: i });
      i += 2;
      continue;
    }
    if ("/[]()@,=<>*.|".includes(c)) {
      out.push({ t: c, v: c, at: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new XPathError(src, i, "unterminated string literal");
      out.push({ t: "str", v: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(src.slice(i));
    if (name) {
      out.push({ t: "name", v: name[0], at: i });
      i += name[0].length;
      continue;
    }
    throw new XPathError(src, i, `unexpected character '${c}'`);
  }
  return out;
}

type Expr =
  | { k: "or" | "and"; a: Expr; b: Expr }
  | { k: "not"; a: Expr }
  | { k: "cmp"; op: string; a: Operand; b: Operand }
  | { k: "exists"; a: Operand }
  | { k: "pos"; n: number }
  | { k: "fn"; name: "starts-with" | "contains"; a: Operand; b: Operand };

type Operand =
  | { k: "attr"; name: string }
  | { k: "lit"; v: string }
  | { k: "num"; v: number }
  | { k: "position" }
  | { k: "last" }
  | { k: "name" }
  | { k: "path"; path: Path };

/** Named axes the evaluator has, as the step axis they stand for. */
const AXES: Record<string, Step["axis"]> = { child: "child", self: "self", parent: "parent" };
const XPATH_AXES = [
  "ancestor",
  "ancestor-or-self",
  "attribute",
  "child",
  "descendant",
  "descendant-or-self",
  "following",
  "following-sibling",
  "namespace",
  "parent",
  "preceding",
  "preceding-sibling",
  "self",
];
const SUPPORTED =
  "supported: child::, self::, parent::, attribute:: in predicates, and the abbreviations /, //, ., .., @";

interface Step {
  descendant: boolean;
  axis: "child" | "self" | "parent";
  name: string;
  preds: Expr[];
}
interface Path {
  absolute: boolean;
  steps: Step[];
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Tok[],
  ) {}
  private peek(off = 0): Tok | undefined {
    return this.toks[this.i + off];
  }
  private fail(reason: string): never {
    throw new XPathError(this.src, this.peek()?.at ?? this.src.length, reason);
  }
  private eat(t: string): Tok {
    const tok = this.peek();
    if (!tok || tok.t !== t) this.fail(`expected '${t}', found ${tok ? `'${tok.v}'` : "end of expression"}`);
    this.i++;
    return tok;
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }
  union(): Path[] {
    const paths = [this.path()];
    while (this.peek()?.t === "|") {
      this.i++;
      paths.push(this.path());
    }
    if (!this.done()) this.fail(`unexpected '${this.peek()!.v}'`);
    return paths;
  }
  path(): Path {
    const steps: Step[] = [];
    let absolute = false;
    let descendant = false;
    const first = this.peek();
    if (first?.t === "/" || first?.t === "//") {
      absolute = true;
      descendant = first.t === "//";
      this.i++;
    }
    for (;;) {
      steps.push(this.step(descendant));
      const sep = this.peek();
      if (sep?.t !== "/" && sep?.t !== "//") break;
      descendant = sep.t === "//";
      this.i++;
    }
    return { absolute, steps };
  }
  private step(descendant: boolean): Step {
    const tok = this.peek();
    let step: Step;
    if (tok?.t === ".") step = { descendant, axis: "self", name: "*", preds: [] };
    else if (tok?.t === "..") step = { descendant, axis: "parent", name: "*", preds: [] };
    else if (tok?.t === "name" && tok.v.includes("::")) step = this.axisStep(tok, descendant);
    else if (tok?.t === "*" || tok?.t === "name")
      step = { descendant, axis: "child", name: tok.v, preds: [] };
    else this.fail("expected an element name, '*', '.' or '..'");
    this.i++;
    while (this.peek()?.t === "[") {
      this.i++;
      step.preds.push(this.or());
      this.eat("]");
    }
    return step;
  }
  /** `axis::name`, `axis::*` or `axis::node()`; leaves the name's last token for step() to pass. */
  private axisStep(tok: Tok, descendant: boolean): Step {
    const cut = tok.v.indexOf("::");
    const axisName = tok.v.slice(0, cut);
    let name = tok.v.slice(cut + 2);
    const axis = AXES[axisName];
    if (axis === undefined) {
      const what = XPATH_AXES.includes(axisName) ? "is not supported" : "is not an XPath axis";
      this.fail(`the axis '${axisName}::' ${what}; ${SUPPORTED}`);
    }
    if (name === "" && this.peek(1)?.t === "*") {
      this.i++;
      name = "*";
    } else if (name === "node" && this.peek(1)?.t === "(" && this.peek(2)?.t === ")") {
      this.i += 2;
      name = "*";
    } else if (name === "" || name.includes(":"))
      this.fail(`expected an element name, '*' or node() after '${axisName}::'`);
    return { descendant, axis, name, preds: [] };
  }
  private or(): Expr {
    let a = this.and();
    while (this.peek()?.t === "name" && this.peek()!.v === "or") {
      this.i++;
      a = { k: "or", a, b: this.and() };
    }
    return a;
  }
  private and(): Expr {
    let a = this.unary();
    while (this.peek()?.t === "name" && this.peek()!.v === "and") {
      this.i++;
      a = { k: "and", a, b: this.unary() };
    }
    return a;
  }
  private unary(): Expr {
    const tok = this.peek();
    if (tok?.t === "name" && tok.v === "not" && this.peek(1)?.t === "(") {
      this.i += 2;
      const a = this.or();
      this.eat(")");
      return { k: "not", a };
    }
    if (tok?.t === "(") {
      this.i++;
      const a = this.or();
      this.eat(")");
      return a;
    }
    if (tok?.t === "name" && (tok.v === "starts-with" || tok.v === "contains") && this.peek(1)?.t === "(") {
      this.i += 2;
      const a = this.operand();
      this.eat(",");
      const b = this.operand();
      this.eat(")");
      return { k: "fn", name: tok.v, a, b };
    }
    const a = this.operand();
    const op = this.peek();
    if (op && ["=", "!=", "<", "<=", ">", ">="].includes(op.t)) {
      this.i++;
      return { k: "cmp", op: op.t, a, b: this.operand() };
    }
    if (a.k === "num") return { k: "pos", n: a.v };
    if (a.k === "last") return { k: "cmp", op: "=", a: { k: "position" }, b: { k: "last" } };
    return { k: "exists", a };
  }
  private operand(): Operand {
    const tok = this.peek();
    if (!tok) this.fail("unexpected end of expression");
    if (tok.t === "@") {
      this.i++;
      const name = this.peek();
      if (name?.t !== "name" && name?.t !== "*") this.fail("expected an attribute name after '@'");
      this.i++;
      return { k: "attr", name: name.v };
    }
    if (tok.t === "str") {
      this.i++;
      return { k: "lit", v: tok.v };
    }
    if (tok.t === "num") {
      this.i++;
      return { k: "num", v: Number(tok.v) };
    }
    if (tok.t === "name" && tok.v.startsWith("attribute::")) {
      this.i++;
      const name = tok.v.slice("attribute::".length);
      if (name !== "") return { k: "attr", name };
      if (this.peek()?.t !== "*") this.fail("expected an attribute name after 'attribute::'");
      this.i++;
      return { k: "attr", name: "*" };
    }
    if (tok.t === "name" && this.peek(1)?.t === "(") {
      const fn = tok.v;
      if (fn !== "position" && fn !== "last" && fn !== "name")
        this.fail(
          `unsupported function ${fn}(); supported: position(), last(), name(), not(), starts-with(), contains()`,
        );
      this.i += 2;
      this.eat(")");
      return { k: fn };
    }
    return { k: "path", path: this.path() };
  }
}

/** A compiled expression, reusable on many documents. */
export interface CompiledXPath {
  readonly source: string;
  readonly paths: Path[];
}

export function compileXPath(expression: string): CompiledXPath {
  const toks = tokenize(expression);
  if (toks.length === 0) throw new XPathError(expression, 0, "empty expression");
  return { source: expression, paths: new Parser(expression, toks).union() };
}

/** Parent links and document order for one document, built once per evaluation. */
class DocIndex {
  readonly doc: XmlElement;
  readonly parent = new Map<XmlElement, XmlElement>();
  readonly order = new Map<XmlElement, number>();
  constructor(root: XmlElement) {
    this.doc = { kind: "element", name: "#document", attrs: {}, children: [root] };
    this.order.set(this.doc, -1);
    this.parent.set(root, this.doc);
    let n = 0;
    for (const el of walkElements(root)) {
      this.order.set(el, n++);
      for (const c of el.children) if (c.kind === "element") this.parent.set(c, el);
    }
  }
}

/** Elements of `root`'s document matched by `expression`, in document order. */
export function evaluateXPath(root: XmlElement, expression: string | CompiledXPath): XmlElement[] {
  const compiled = typeof expression === "string" ? compileXPath(expression) : expression;
  const idx = new DocIndex(root);
  const found = new Set<XmlElement>();
  for (const p of compiled.paths) for (const el of evalPath(p, idx.doc, idx)) found.add(el);
  return [...found].filter((e) => e !== idx.doc).sort((a, b) => idx.order.get(a)! - idx.order.get(b)!);
}

function evalPath(path: Path, context: XmlElement, idx: DocIndex): XmlElement[] {
  let current: XmlElement[] = [path.absolute ? idx.doc : context];
  for (const step of path.steps) {
    const next = new Set<XmlElement>();
    for (const ctx of current) {
      const bases = step.descendant ? [...walkElements(ctx)] : [ctx];
      for (const base of bases) {
        for (const el of applyPredicates(candidates(step, base, idx), step.preds, idx)) next.add(el);
      }
    }
    current = [...next].sort((a, b) => idx.order.get(a)! - idx.order.get(b)!);
  }
  return current;
}

function candidates(step: Step, base: XmlElement, idx: DocIndex): XmlElement[] {
  const named = (el: XmlElement) => step.name === "*" || el.name === step.name;
  if (step.axis === "self") return named(base) ? [base] : [];
  if (step.axis === "parent") {
    const p = idx.parent.get(base);
    return p && named(p) ? [p] : [];
  }
  const out: XmlElement[] = [];
  for (const c of base.children) {
    if (c.kind === "element" && (step.name === "*" || c.name === step.name)) out.push(c);
  }
  return out;
}

function applyPredicates(nodes: XmlElement[], preds: Expr[], idx: DocIndex): XmlElement[] {
  let cur = nodes;
  for (const pred of preds) {
    const size = cur.length;
    cur = cur.filter((el, i) => test(pred, el, i + 1, size, idx));
  }
  return cur;
}

function test(e: Expr, el: XmlElement, pos: number, size: number, idx: DocIndex): boolean {
  switch (e.k) {
    case "or":
      return test(e.a, el, pos, size, idx) || test(e.b, el, pos, size, idx);
    case "and":
      return test(e.a, el, pos, size, idx) && test(e.b, el, pos, size, idx);
    case "not":
      return !test(e.a, el, pos, size, idx);
    case "pos":
      return pos === e.n;
    case "exists":
      return values(e.a, el, pos, size, idx).length > 0;
    case "fn": {
      const bs = values(e.b, el, pos, size, idx);
      return values(e.a, el, pos, size, idx).some((a) =>
        bs.some((b) => (e.name === "starts-with" ? a.startsWith(b) : a.includes(b))),
      );
    }
    case "cmp": {
      const as = values(e.a, el, pos, size, idx);
      const bs = values(e.b, el, pos, size, idx);
      const numeric = e.op !== "=" && e.op !== "!=";
      return as.some((a) => bs.some((b) => compare(e.op, a, b, numeric || isNum(e.a) || isNum(e.b))));
    }
  }
}

function isNum(o: Operand): boolean {
  return o.k === "num" || o.k === "position" || o.k === "last";
}

function compare(op: string, a: string, b: string, numeric: boolean): boolean {
  const x: number | string = numeric ? Number(a) : a;
  const y: number | string = numeric ? Number(b) : b;
  switch (op) {
    case "=":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function values(o: Operand, el: XmlElement, pos: number, size: number, idx: DocIndex): string[] {
  switch (o.k) {
    case "attr":
      if (o.name === "*") return Object.values(el.attrs);
      return el.attrs[o.name] === undefined ? [] : [el.attrs[o.name]];
    case "lit":
      return [o.v];
    case "num":
      return [String(o.v)];
    case "position":
      return [String(pos)];
    case "last":
      return [String(size)];
    case "name":
      return [el.name];
    case "path":
      return evalPath(o.path, el, idx).map((n) =>
        n.children.map((c) => (c.kind === "text" ? c.text : "")).join(""),
      );
  }
}

/** Pacemaker's `--node-path` form of an element: /cib/status/node_state[@id='1']/… */
export function nodePath(root: XmlElement, target: XmlElement): string {
  const idx = new DocIndex(root);
  const parts: string[] = [];
  for (let el: XmlElement | undefined = target; el && el !== idx.doc; el = idx.parent.get(el)) {
    parts.push(el.attrs.id !== undefined ? `${el.name}[@id='${el.attrs.id}']` : el.name);
  }
  return "/" + parts.reverse().join("/");
}

/** The parent of `target` within `root`'s tree (undefined for the root itself). */
export function parentOf(root: XmlElement, target: XmlElement): XmlElement | undefined {
  for (const el of walkElements(root)) {
    for (const c of el.children) if (c === target) return el;
  }
  return undefined;
}
