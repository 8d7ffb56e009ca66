import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "../corpus.js";
import { type XmlElement, childElements, firstChild, walkElements } from "../xml/node.js";
import { parseXml } from "../xml/parse.js";
import { operationDigest, parseParameterList, restartDigest, secureDigest } from "./operationDigest.js";

/**
 * Proves operationDigest against Pacemaker's own records: for every lrm_rsc_op in the scheduler
 * corpus whose parameters can be rebuilt from the configuration without evaluating rules, the
 * recomputed digest must equal the recorded op-digest. Mismatches a recorded digest can
 * legitimately have (the definition was changed after the operation ran: that is what the
 * corpus tests) keep the rate below 100%, hence a floor.
 */

/** Interval/timeout text to milliseconds (Pacemaker's spec: number + ms|s|m|min|h|hr, default s). */
function toMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const factor = unit.startsWith("ms")
    ? 1
    : unit.startsWith("s")
      ? 1000
      : unit.startsWith("m")
        ? 60000
        : 3600000;
  return n * factor;
}

/** nvpairs of a set, Heartbeat v2's <attributes> wrapper included; undefined when a rule/ref is involved. */
function nvpairs(set: XmlElement): [string, string][] | undefined {
  if (set.attrs["id-ref"] !== undefined || firstChild(set, "rule")) return undefined;
  const holders = [set, ...childElements(set, "attributes")];
  const out: [string, string][] = [];
  for (const h of holders) {
    for (const nv of childElements(h, "nvpair")) {
      if (nv.attrs["id-ref"] !== undefined || nv.attrs.value === undefined) return undefined;
      out.push([nv.attrs.name, nv.attrs.value]);
    }
  }
  return out;
}

function setsOf(el: XmlElement, tag: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const set of childElements(el, tag)) {
    const pairs = nvpairs(set);
    if (pairs === undefined) return undefined;
    for (const [k, v] of pairs) if (!(k in params)) params[k] = v;
  }
  return params;
}

function defaultTimeout(cib: XmlElement): string {
  const conf = firstChild(cib, "configuration");
  const opDefaults = conf && firstChild(conf, "op_defaults");
  const fromDefaults = opDefaults && setsOf(opDefaults, "meta_attributes")?.timeout;
  return String(toMs(fromDefaults) ?? 20000);
}

/**
 * Recorders before feature set 1.0.9 left CRM_meta_timeout out of recurring operations' digests;
 * today's Pacemaker (and hbx) include it, so those records legitimately differ.
 */
function isBefore109(featureSet: string | undefined): boolean {
  const [a = 0, b = 0, c = 0] = (featureSet ?? "0").split(".").map(Number);
  return a < 1 || (a === 1 && (b < 0 || (b === 0 && c < 9)));
}

interface Tally {
  preTimeout: number;
  checked: number;
  matched: number;
  restartChecked: number;
  restartMatched: number;
  secureChecked: number;
  secureMatched: number;
}

function checkFile(path: string, t: Tally): void {
  const cib = parseXml(readFileSync(path, "utf8"), path);
  const conf = firstChild(cib, "configuration");
  const resources = conf && firstChild(conf, "resources");
  if (!resources) return;
  const primitives = new Map<string, XmlElement>();
  for (const el of walkElements(resources))
    if (el.name === "primitive" && el.attrs.id) primitives.set(el.attrs.id, el);
  const timeout = defaultTimeout(cib);
  const status = firstChild(cib, "status");
  if (!status) return;
  for (const lrmRsc of walkElements(status)) {
    if (lrmRsc.name !== "lrm_resource") continue;
    const prim = primitives.get(lrmRsc.attrs.id) ?? primitives.get(lrmRsc.attrs.id.replace(/:\d+$/, ""));
    if (!prim || prim.attrs.template !== undefined || prim.attrs.type !== lrmRsc.attrs.type) continue;
    const base = setsOf(prim, "instance_attributes");
    if (base === undefined) continue;
    const opsEl = firstChild(prim, "operations");
    for (const op of childElements(lrmRsc, "lrm_rsc_op")) {
      const recorded = op.attrs["op-digest"];
      if (!recorded || op.attrs.operation === "notify") continue;
      const interval = Number(op.attrs.interval ?? "0");
      const params: Record<string, string> = { ...base, CRM_meta_interval: String(interval) };
      const def = opsEl
        ? childElements(opsEl, "op").find(
            (o) => o.attrs.name === op.attrs.operation && (toMs(o.attrs.interval ?? "0") ?? -1) === interval,
          )
        : undefined;
      if (interval !== 0 && !def) continue; // a recurring op no longer configured: nothing to rebuild
      if (def) {
        const own = setsOf(def, "instance_attributes");
        if (own === undefined) continue;
        Object.assign(params, own);
        params.CRM_meta_timeout = String(toMs(def.attrs.timeout) ?? timeout);
      } else {
        params.CRM_meta_timeout = timeout;
      }
      t.checked++;
      if (operationDigest(params) === recorded) t.matched++;
      else if (interval !== 0 && isBefore109(op.attrs.crm_feature_set)) t.preTimeout++;
      const restartList = op.attrs["op-force-restart"];
      const restartRecorded = op.attrs["op-restart-digest"];
      if (restartList !== undefined && restartRecorded !== undefined) {
        t.restartChecked++;
        if (restartDigest(params, parseParameterList(restartList)) === restartRecorded) t.restartMatched++;
      }
      const secureList = op.attrs["op-secure-params"];
      const secureRecorded = op.attrs["op-secure-digest"];
      if (secureList !== undefined && secureRecorded !== undefined) {
        t.secureChecked++;
        if (
          secureDigest(params, parseParameterList(secureList), {
            fenceDevice: prim.attrs.class === "stonith",
          }) === secureRecorded
        )
          t.secureMatched++;
      }
    }
  }
}

const corpus = schedulerCorpusDir();

describe.skipIf(!corpus)("operationDigest against the op-digests Pacemaker recorded in the corpus", () => {
  it("recomputes the recorded digests", () => {
    const t: Tally = {
      preTimeout: 0,
      checked: 0,
      matched: 0,
      restartChecked: 0,
      restartMatched: 0,
      secureChecked: 0,
      secureMatched: 0,
    };
    const dir = join(corpus!, "xml");
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".xml"))) checkFile(join(dir, f), t);
    process.stdout.write(
      `op-digest: ${t.matched}/${t.checked} matched (${t.preTimeout} of the rest are recurring ops recorded before 1.0.9); ` +
        `op-restart-digest: ${t.restartMatched}/${t.restartChecked}; ` +
        `op-secure-digest: ${t.secureMatched}/${t.secureChecked}\n`,
    );
    expect(t.checked).toBeGreaterThan(1000);
    expect(t.matched / t.checked).toBeGreaterThan(0.9);
    expect(t.restartMatched / t.restartChecked).toBeGreaterThan(0.99);
    expect(t.secureMatched / t.secureChecked).toBeGreaterThan(0.9);
  });
});
