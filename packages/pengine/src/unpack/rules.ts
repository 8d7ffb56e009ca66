import { type XmlElement, childElements } from "@hbx/cib";

/** What a rule can look at: a node's attributes (with #uname, #id, #kind) and the time. */
export interface RuleContext {
  nodeAttrs?: Map<string, string>;
  now: Date;
  role?: string;
  rsc?: { cls?: string; provider?: string; type?: string };
  op?: { name: string; interval: number };
  /** The resource's parameters and meta attributes, for value-source="param" / "meta". */
  params?: Map<string, string>;
  meta?: Map<string, string>;
}

/** Whether a rule compares against a resource's own values (value-source), anywhere inside. */
export function usesValueSource(rule: XmlElement): boolean {
  for (const p of childElements(rule)) {
    const src = (p.attrs["value-source"] ?? "literal").toLowerCase();
    if (src === "param" || src === "meta") return true;
    if (p.name === "rule" && usesValueSource(p)) return true;
  }
  return false;
}

/** Evaluate a `<rule>`: its expressions combined with boolean-op (and by default). */
export function evaluateRule(rule: XmlElement, ctx: RuleContext): boolean {
  if (rule.attrs.role && ctx.role !== undefined && rule.attrs.role.toLowerCase() !== ctx.role.toLowerCase()) {
    return false;
  }
  const or = (rule.attrs["boolean-op"] ?? "and").toLowerCase() === "or";
  const parts = childElements(rule);
  if (parts.length === 0) return true;
  for (const p of parts) {
    const ok = evaluateExpression(p, ctx);
    if (or && ok) return true;
    if (!or && !ok) return false;
  }
  return !or;
}

function evaluateExpression(el: XmlElement, ctx: RuleContext): boolean {
  switch (el.name) {
    case "rule":
      return evaluateRule(el, ctx);
    case "expression":
      return evaluateAttributeExpression(el, ctx);
    case "date_expression":
      return evaluateDate(el, ctx.now);
    case "rsc_expression": {
      if (!ctx.rsc) return true;
      const a = el.attrs;
      return (
        (a.class === undefined || a.class === ctx.rsc.cls) &&
        (a.provider === undefined || a.provider === ctx.rsc.provider) &&
        (a.type === undefined || a.type === ctx.rsc.type)
      );
    }
    case "op_expression": {
      if (!ctx.op) return false;
      if (el.attrs.name !== ctx.op.name) return false;
      return el.attrs.interval === undefined || parseInterval(el.attrs.interval) === ctx.op.interval;
    }
    default:
      return false;
  }
}

/** Compare as Pacemaker does: by the declared type, or as numbers when both parse. */
function evaluateAttributeExpression(el: XmlElement, ctx: RuleContext): boolean {
  const a = el.attrs;
  const attr = a.attribute ?? "";
  const op = (a.operation ?? "eq").toLowerCase();
  const actual = ctx.nodeAttrs?.get(attr);
  if (op === "defined") return actual !== undefined;
  if (op === "not_defined") return actual === undefined;
  // value-source: the value names a parameter or meta attribute of the resource to compare with.
  const source = (a["value-source"] ?? "literal").toLowerCase();
  const expected =
    source === "param"
      ? a.value === undefined
        ? undefined
        : ctx.params?.get(a.value)
      : source === "meta"
        ? a.value === undefined
          ? undefined
          : ctx.meta?.get(a.value)
        : a.value;
  if (actual === undefined || expected === undefined) return op === "ne" && actual !== expected;
  let type = (a.type ?? "").toLowerCase();
  if (type === "") {
    // As Pacemaker: string for eq/ne; for ordering comparisons a number when either side has a
    // decimal point, an integer otherwise.
    if (["lt", "gt", "lte", "gte"].includes(op)) {
      type = actual.includes(".") || expected.includes(".") ? "number" : "integer";
    } else type = "string";
  }
  let cmp: number;
  if (type === "integer") {
    const x = parseIntLoose(actual);
    const y = parseIntLoose(expected);
    if (x === undefined || y === undefined) cmp = strcmp(actual, expected);
    else cmp = Math.sign(x - y);
  } else if (type === "number") {
    const x = parseFloatLoose(actual);
    const y = parseFloatLoose(expected);
    if (x === undefined || y === undefined) cmp = strcmp(actual, expected);
    else cmp = Math.sign(x - y);
  } else if (type === "version") {
    cmp = compareVersions(actual, expected);
  } else {
    cmp = strcmp(actual.toLowerCase(), expected.toLowerCase());
  }
  switch (op) {
    case "eq":
      return cmp === 0;
    case "ne":
      return cmp !== 0;
    case "lt":
      return cmp < 0;
    case "lte":
      return cmp <= 0;
    case "gt":
      return cmp > 0;
    case "gte":
      return cmp >= 0;
    default:
      return false;
  }
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Integer parse that, like Pacemaker's, truncates a decimal ("3.5" → 3) and fails on text. */
function parseIntLoose(s: string): number | undefined {
  const m = /^\s*([-+]?\d+)(\.\d*)?\s*$/.exec(s);
  return m ? Number(m[1]) : undefined;
}

function parseFloatLoose(s: string): number | undefined {
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.exec(s);
  return m ? Number(s) : undefined;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => Number(x) || 0);
  const pb = b.split(".").map((x) => Number(x) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Interval text ("10s", "1m", "PT10S", "10000ms", bare seconds) in milliseconds. */
export function parseInterval(text: string | undefined): number {
  if (text === undefined || text === "") return 0;
  const t = text.trim();
  const iso = /^P(?:T)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(t);
  if (iso && t.length > 1)
    return ((Number(iso[1] ?? 0) * 60 + Number(iso[2] ?? 0)) * 60 + Number(iso[3] ?? 0)) * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|msec|us|usec|s|sec|m|min|h|hr)?$/i.exec(t);
  if (!m) return 0;
  const n = Number(m[1]);
  switch ((m[2] ?? "s").toLowerCase()) {
    case "ms":
    case "msec":
      return n;
    case "us":
    case "usec":
      return n / 1000;
    case "m":
    case "min":
      return n * 60000;
    case "h":
    case "hr":
      return n * 3600000;
    default:
      return n * 1000;
  }
}

function parseDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s.replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? "" : "Z"));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function evaluateDate(el: XmlElement, now: Date): boolean {
  const op = el.attrs.operation ?? "in_range";
  const start = parseDate(el.attrs.start);
  const end = parseDate(el.attrs.end);
  if (op === "gt") return start !== undefined && now > start;
  if (op === "lt") return end !== undefined && now < end;
  if (op === "in_range") {
    if (start && now < start) return false;
    if (end && now > end) return false;
    return true;
  }
  return false;
}
