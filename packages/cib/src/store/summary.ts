import { type XmlElement, firstChild, walkElements } from "../xml/node.js";
import { serializeXml } from "../xml/serialize.js";

/**
 * A short account of what changed between two CIBs, for the history and for cibadmin's
 * "what changed" line: elements with an id added, removed or changed in the configuration,
 * and whether the status section changed. At most `limit` items are named.
 */
export function summarizeChange(before: XmlElement | undefined, after: XmlElement, limit = 6): string {
  if (before === undefined) return "initial version";
  const items: string[] = [];
  const a = signatures(firstChild(before, "configuration"));
  const b = signatures(firstChild(after, "configuration"));
  for (const [key, sig] of b) {
    const old = a.get(key);
    if (old === undefined) items.push(`added ${key}`);
    else if (old !== sig) items.push(`changed ${key}`);
  }
  for (const key of a.keys()) if (!b.has(key)) items.push(`removed ${key}`);
  const configText = (el: XmlElement) => {
    const c = firstChild(el, "configuration");
    return c ? serializeXml(c, { pretty: false }) : "";
  };
  if (items.length === 0 && configText(before) !== configText(after)) items.push("changed configuration");
  const statusText = (el: XmlElement) => {
    const s = firstChild(el, "status");
    return s ? serializeXml(s, { pretty: false }) : "";
  };
  if (statusText(before) !== statusText(after)) items.push("changed status");
  if (items.length === 0) return "no change";
  const shown = items.slice(0, limit).join(", ");
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

/**
 * Each element with an id, keyed "name 'id'", mapped to its own attributes plus its id-less
 * children (an element with an id is compared on its own, so a changed nvpair is reported as
 * the nvpair, not as every ancestor).
 */
function signatures(root: XmlElement | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!root) return out;
  for (const el of walkElements(root)) {
    const id = el.attrs.id;
    if (id === undefined) continue;
    const own: XmlElement = {
      ...el,
      children: el.children.filter((c) => c.kind !== "element" || c.attrs.id === undefined),
    };
    out.set(`${el.name} '${id}'`, serializeXml(own, { pretty: false }));
  }
  return out;
}
