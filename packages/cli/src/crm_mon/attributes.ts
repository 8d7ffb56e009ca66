import { type WorkingSet } from "@hbx/pengine";

/** Attributes the cluster keeps for itself; crm_mon -A does not list them. */
export function hidden(name: string): boolean {
  return (
    name.startsWith("#") ||
    name.startsWith("fail-count-") ||
    name.startsWith("last-failure-") ||
    name === "shutdown" ||
    name === "terminate" ||
    name === "standby"
  );
}

/** "Node Attributes:" (-A): each online node's attributes by name, padded as Pacemaker pads them. */
export function nodeAttributeLines(ws: WorkingSet, detail = false): string[] {
  const out = ["", "Node Attributes:"];
  for (const n of ws.nodes) {
    if (!n.online) continue;
    const names = [...n.attrs.keys()].filter((k) => !hidden(k)).sort();
    if (names.length === 0) continue;
    out.push(`  * Node: ${detail && n.id !== n.name ? `${n.name} (${n.id})` : n.name}:`);
    for (const k of names) out.push(`    * ${k.padEnd(32)}\t: ${(n.attrs.get(k) ?? "").padEnd(10)}`);
  }
  return out.length > 2 ? out : [];
}
