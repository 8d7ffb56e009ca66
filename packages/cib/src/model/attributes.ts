import { type XmlElement, childElements } from "../xml/node.js";
import { nvpairsOf } from "./nvpairs.js";

/**
 * One `instance_attributes` / `meta_attributes` / `utilization` block (or Heartbeat v2's
 * `<attributes>` wrapper), unevaluated: rules and scores stay for the engine to resolve.
 */
export interface AttributeSet {
  id: string;
  kind: string;
  /** Sets with a higher score win when two set the same name. */
  score: number;
  rule?: XmlElement;
  pairs: Array<{ name: string; value: string }>;
}

const SET_KINDS = ["instance_attributes", "meta_attributes", "utilization", "cluster_property_set"];

/**
 * The attribute sets of `kind` directly under `el`. Heartbeat v2 wrote the pairs inside an extra
 * `<attributes>` element; `id-ref` sets and pairs are resolved through `byId`.
 */
export function readAttributeSets(
  el: XmlElement,
  kind: string,
  byId?: Map<string, XmlElement>,
): AttributeSet[] {
  const out: AttributeSet[] = [];
  for (const raw of childElements(el, kind)) {
    const set = raw.attrs["id-ref"] && byId?.get(raw.attrs["id-ref"]) ? byId.get(raw.attrs["id-ref"])! : raw;
    const pairs: Array<{ name: string; value: string }> = [];
    for (const found of nvpairsOf(set)) {
      let nv = found.nvpair;
      if (nv.attrs["id-ref"] && byId?.get(nv.attrs["id-ref"])) nv = byId.get(nv.attrs["id-ref"])!;
      if (nv.attrs.name === undefined) continue;
      pairs.push({ name: nv.attrs.name, value: nv.attrs.value ?? "" });
    }
    const score = set.attrs.score === undefined ? 0 : scoreNumber(set.attrs.score);
    out.push({ id: set.attrs.id ?? "", kind, score, rule: childElements(set, "rule")[0], pairs });
  }
  return out;
}

function scoreNumber(s: string): number {
  const t = s.trim().toUpperCase();
  if (t === "INFINITY" || t === "+INFINITY") return 1_000_000;
  if (t === "-INFINITY") return -1_000_000;
  const n = Number(t);
  return Number.isFinite(n) ? n : 0;
}

/** Every kind of attribute set the model knows. */
export const attributeSetKinds: readonly string[] = SET_KINDS;
