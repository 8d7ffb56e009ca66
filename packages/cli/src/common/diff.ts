import { type XmlElement, formatVersion, readVersion } from "@hbx/cib";

/** Attributes that change on every write and say nothing about what an administrator changed. */
const VOLATILE = new Set([
  "epoch",
  "num_updates",
  "admin_epoch",
  "cib-last-written",
  "update-origin",
  "update-client",
  "update-user",
]);

interface Keyed {
  path: string;
  el: XmlElement;
}

/** Every element under a stable key: ids where they exist, name[n] otherwise. */
function keyed(root: XmlElement): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  const visit = (el: XmlElement, path: string) => {
    out.set(path, { path, el });
    const seen = new Map<string, number>();
    for (const c of el.children) {
      if (c.kind !== "element") continue;
      let seg: string;
      if (c.attrs.id !== undefined) seg = `${c.name}[@id='${c.attrs.id}']`;
      else {
        const n = (seen.get(c.name) ?? 0) + 1;
        seen.set(c.name, n);
        seg = n === 1 ? c.name : `${c.name}[${n}]`;
      }
      visit(c, `${path}/${seg}`);
    }
  };
  visit(root, `/${root.name}`);
  return out;
}

/**
 * One line per changed element, the way an administrator reads a change:
 * `+ path` added, `- path` removed, `~ path: attr 'old' -> 'new'` modified.
 * Added or removed subtrees are reported once, at their top.
 */
export function changeSummary(before: XmlElement, after: XmlElement): string[] {
  const a = keyed(before);
  const b = keyed(after);
  const lines: string[] = [
    `CIB ${formatVersion(readVersion(before))} -> ${formatVersion(readVersion(after))}`,
  ];
  const under = (set: Set<string>, path: string) => {
    for (let p = path; p.lastIndexOf("/") > 0;) {
      p = p.slice(0, p.lastIndexOf("/"));
      if (set.has(p)) return true;
    }
    return false;
  };
  const removed = new Set([...a.keys()].filter((k) => !b.has(k)));
  const added = new Set([...b.keys()].filter((k) => !a.has(k)));
  for (const k of removed) if (!under(removed, k)) lines.push(`- ${k}`);
  for (const [k, { el }] of b) {
    if (added.has(k)) {
      if (!under(added, k)) lines.push(`+ ${k}`);
      continue;
    }
    const old = a.get(k)!.el;
    const changes: string[] = [];
    for (const name of new Set([...Object.keys(old.attrs), ...Object.keys(el.attrs)])) {
      if (k === `/${after.name}` && VOLATILE.has(name)) continue;
      const x = old.attrs[name];
      const y = el.attrs[name];
      if (x !== y)
        changes.push(
          `${name} ${x === undefined ? "(unset)" : `'${x}'`} -> ${y === undefined ? "(unset)" : `'${y}'`}`,
        );
    }
    if (changes.length > 0) lines.push(`~ ${k}: ${changes.join(", ")}`);
  }
  return lines;
}
