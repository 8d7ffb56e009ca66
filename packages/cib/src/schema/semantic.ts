import { type XmlElement } from "../xml/node.js";
import { INFINITY, tryParseScore } from "../score.js";
import { parseBooleanValue, parseDurationMs } from "./values.js";

/**
 * Values the schema cannot see the meaning of: scores, durations, booleans and counts held as
 * text in attributes and nvpairs. Pacemaker's scheduler reads "banana" as a score of 0 and an
 * interval of "banana" as no interval; hbx refuses them when they are written instead, naming
 * the element, its place, what was expected and what was found.
 */
export interface CibValueError {
  /** The id of the element holding the value (the nvpair's id for a meta attribute). */
  elementId: string;
  /** Where it is, e.g. /cib/configuration/resources/primitive[@id='vip']/meta_attributes[@id='m']/nvpair[@id='n']. */
  xpath: string;
  /** The attribute, or for an nvpair its name. */
  attribute: string;
  expected: string;
  found: string;
}

/** The one-line form a user reads: place, attribute, what was found, what was expected. */
export function formatCibValueError(e: CibValueError): string {
  return `${e.xpath}: ${e.attribute}="${e.found}" is not valid; expected ${e.expected}`;
}

interface ValueKind {
  expected: string;
  ok: (value: string) => boolean;
}

const SCORE: ValueKind = {
  expected: "a score (an integer, INFINITY, +INFINITY or -INFINITY)",
  ok: (v) => tryParseScore(v) !== undefined,
};
const DURATION: ValueKind = {
  expected: "a duration (seconds, a number with ms/s/m/h, or ISO 8601 like PT30S)",
  ok: (v) => parseDurationMs(v) !== undefined,
};
const BOOLEAN: ValueKind = {
  expected: "a boolean (true/false, yes/no, on/off, 1/0)",
  ok: (v) => parseBooleanValue(v) !== undefined,
};
const COUNT: ValueKind = {
  expected: "a non-negative integer",
  ok: (v) => /^\s*\+?\d+\s*$/.test(v),
};
const THRESHOLD: ValueKind = {
  expected: "a non-negative integer or INFINITY",
  ok: (v) => {
    const s = tryParseScore(v);
    return s !== undefined && (s >= 0 || s === INFINITY);
  },
};

/**
 * Resource agent classes Pacemaker knows. A class outside them ("ocff") names no agent on any
 * node, so the resource could never start; whether this node has the agent is the tools' check.
 */
const AGENT_CLASSES = ["ocf", "lsb", "heartbeat", "stonith", "service", "systemd", "upstart", "nagios"];
const AGENT_CLASS: ValueKind = {
  expected: `a resource agent class (${AGENT_CLASSES.join(", ")})`,
  ok: (v) => AGENT_CLASSES.includes(v),
};

/** Resource meta attributes by name (Heartbeat v2's underscores read as dashes). */
const META: Record<string, ValueKind> = {
  "resource-stickiness": SCORE,
  "resource-failure-stickiness": SCORE,
  priority: SCORE,
  "migration-threshold": THRESHOLD,
  "failure-timeout": DURATION,
  "is-managed": BOOLEAN,
  "globally-unique": BOOLEAN,
  interleave: BOOLEAN,
  ordered: BOOLEAN,
  collocated: BOOLEAN,
  notify: BOOLEAN,
  "allow-migrate": BOOLEAN,
  maintenance: BOOLEAN,
  critical: BOOLEAN,
  promotable: BOOLEAN,
  "clone-max": COUNT,
  "clone-node-max": COUNT,
  "promoted-max": COUNT,
  "promoted-node-max": COUNT,
  "master-max": COUNT,
  "master-node-max": COUNT,
};

/** Operation attributes (on <op>, and as nvpairs in op_defaults or an op's meta_attributes). */
const OP: Record<string, ValueKind> = {
  interval: DURATION,
  timeout: DURATION,
  "start-delay": DURATION,
};

function place(name: string, el: XmlElement): string {
  return el.attrs.id !== undefined ? `${name}[@id='${el.attrs.id}']` : name;
}

/**
 * Every invalid typed value in the configuration (the status section is the cluster's record
 * and is not checked). With `since`, values that `since` already held at the same place are not
 * reported: a write is refused for what it adds, not for what it leaves as it was.
 */
export function checkCibValues(doc: XmlElement, opts: { since?: XmlElement } = {}): CibValueError[] {
  const errors = collect(doc);
  if (opts.since === undefined || errors.length === 0) return errors;
  const old = new Set(collect(opts.since).map(key));
  return errors.filter((e) => !old.has(key(e)));
}

function key(e: CibValueError): string {
  return `${e.xpath}\0${e.attribute}\0${e.found}`;
}

function collect(doc: XmlElement): CibValueError[] {
  const errors: CibValueError[] = [];
  const config =
    doc.name === "cib" ? doc.children.find((c) => c.kind === "element" && c.name === "configuration") : doc;
  if (config === undefined || config.kind !== "element") return errors;
  const base = doc.name === "cib" ? "/cib/configuration" : `/${config.name}`;
  walk(config, base, undefined, errors);
  return errors;
}

/** `context`: what an nvpair below here configures (resource meta, operation defaults), if anything. */
function walk(
  el: XmlElement,
  path: string,
  context: Record<string, ValueKind> | undefined,
  errors: CibValueError[],
): void {
  const check = (attribute: string, value: string | undefined, kind: ValueKind | undefined, id: string) => {
    if (value === undefined || kind === undefined || kind.ok(value)) return;
    errors.push({ elementId: id, xpath: path, attribute, expected: kind.expected, found: value });
  };
  if (el.attrs.score !== undefined) check("score", el.attrs.score, SCORE, el.attrs.id ?? el.name);
  if (el.name === "op") {
    for (const [name, kind] of Object.entries(OP)) check(name, el.attrs[name], kind, el.attrs.id ?? "op");
  }
  if (el.name === "primitive" || el.name === "template") {
    check("class", el.attrs.class, AGENT_CLASS, el.attrs.id ?? el.name);
  }
  if (el.name === "nvpair" && context !== undefined && el.attrs.name !== undefined) {
    const kind = context[el.attrs.name.replace(/_/g, "-")];
    check(el.attrs.name, el.attrs.value, kind, el.attrs.id ?? el.attrs.name);
  }
  let inner = context;
  if (el.name === "meta_attributes") inner = context ?? META;
  else if (el.name === "op_defaults") inner = OP;
  else if (el.name === "op") inner = OP;
  else if (el.name === "instance_attributes" || el.name === "utilization" || el.name === "crm_config") {
    inner = undefined;
  }
  for (const c of el.children) {
    if (c.kind === "element") walk(c, `${path}/${place(c.name, c)}`, inner, errors);
  }
}
