import { type XmlElement } from "@hbx/cib";
import {
  type NameMatch,
  exactName,
  findNvpair,
  optionName,
  removeNvpair,
  setNvpair,
} from "../common/attributes.js";

/**
 * Resource parameters (-p/-g/-d): instance attributes by default, meta attributes with --meta,
 * utilization with --utilization, with nvpair and set ids as Pacemaker generates them
 * (`RSC-instance_attributes`, `RSC-instance_attributes-NAME`). An nvpair that exists is read,
 * changed or removed where it is, in Heartbeat v2's `<attributes>` form as in the modern one.
 */
export type SetType = "instance_attributes" | "meta_attributes" | "utilization";

/**
 * Heartbeat v2 wrote `target_role` and `is_managed`; Pacemaker writes `target-role` and
 * `is-managed`. Setting either spelling updates an nvpair that already exists under the other,
 * so a Heartbeat-era CIB never ends up with two conflicting values.
 */
const SPELLINGS: Record<string, string[]> = {
  target_role: ["target-role"],
  "target-role": ["target_role"],
  is_managed: ["is-managed"],
  "is-managed": ["is_managed"],
};

/** The scheduler reads meta attributes with v2's underscores as dashes; parameters are the agent's. */
function matchFor(setType: SetType): NameMatch {
  return setType === "meta_attributes" ? optionName : exactName;
}

/** Resource ids in a clone are written "rsc:0"; sets and nvpairs use the bare id. */
function stripInstance(id: string): string {
  return id.replace(/:\d+$/, "");
}

export function setParameter(rsc: XmlElement, setType: SetType, name: string, value: string): string {
  const aliases = SPELLINGS[name] ?? [];
  // A Heartbeat-era nvpair may sit in meta_attributes while the command says instance (or the
  // reverse); update it where it is rather than add a second, conflicting one.
  if (aliases.length > 0) {
    for (const type of [setType, setType === "meta_attributes" ? "instance_attributes" : "meta_attributes"]) {
      const found = findNvpair(rsc, type, [name, ...aliases]);
      if (found) {
        found.nvpair.attrs.value = value;
        return `Set '${rsc.attrs.id}' option: id=${found.nvpair.attrs.id} name=${found.nvpair.attrs.name} value=${value}`;
      }
    }
  }
  const setId = `${stripInstance(rsc.attrs.id)}-${setType}`;
  const r = setNvpair(rsc, setType, setId, name, value, [], matchFor(setType));
  return r.created
    ? `Set '${rsc.attrs.id}' option: id=${r.id} set=${r.setId} name=${name} value=${value}`
    : `Set '${rsc.attrs.id}' option: id=${r.id} name=${name} value=${value}`;
}

export function getParameter(rsc: XmlElement, setType: SetType, name: string): string | undefined {
  return findNvpair(rsc, setType, [name, ...(SPELLINGS[name] ?? [])], matchFor(setType))?.nvpair.attrs.value;
}

/** Remove the parameter; returns the "Deleted …" line, or undefined when there was none. */
export function deleteParameter(rsc: XmlElement, setType: SetType, name: string): string | undefined {
  const found = findNvpair(rsc, setType, [name], matchFor(setType));
  if (!found) return undefined;
  removeNvpair(found);
  return `Deleted '${rsc.attrs.id}' option: id=${found.nvpair.attrs.id} name=${name}`;
}
