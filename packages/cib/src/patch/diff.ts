import { type XmlElement, childElements, cloneElement, element } from "../xml/node.js";

/** A child's identity under its parent: its id, else its name and place among its namesakes. */
interface Keyed {
  key: string;
  segment: string;
  el: XmlElement;
  /** Element position under the parent (what a patch's `position` counts). */
  index: number;
}

function keyedChildren(parent: XmlElement): Keyed[] {
  const seen = new Map<string, number>();
  return childElements(parent).map((el, index) => {
    const n = (seen.get(el.name) ?? 0) + 1;
    seen.set(el.name, n);
    const id = el.attrs.id;
    if (id !== undefined) return { key: `${el.name}#${id}`, segment: `${el.name}[@id='${id}']`, el, index };
    return { key: `${el.name}[${n}]`, segment: n === 1 ? el.name : `${el.name}[${n}]`, el, index };
  });
}

const VERSION_ATTRS = ["admin_epoch", "epoch", "num_updates"] as const;

function versionOf(cib: XmlElement): Record<string, string> {
  return Object.fromEntries(VERSION_ATTRS.map((a) => [a, cib.attrs[a] ?? "0"]));
}

function change(attrs: Record<string, string>, children: XmlElement[] = []): XmlElement {
  return element("change", attrs, children);
}

/**
 * The format-2 patch (Pacemaker's patchset, what `crm_diff` prints and `cibadmin -P` applies)
 * that turns `before` into `after`: per element, attribute changes as `modify`, then removed
 * children as `delete`, reordered ones as `move`, then new ones as `create` at their final
 * position, so applying the changes in order (applyPatchChanges) rebuilds `after`. Elements are
 * matched by id, id-less ones by name and place; text content is not part of a CIB and is not
 * compared.
 */
export function makePatch(before: XmlElement, after: XmlElement): XmlElement {
  if (before.name !== after.name)
    throw new Error(`cannot diff <${before.name}> against <${after.name}>: the roots differ`);
  const changes: XmlElement[] = [];
  diffElement(before, after, `/${after.name}`, changes);
  const version = element("version", {}, [
    element("source", versionOf(before)),
    element("target", versionOf(after)),
  ]);
  return element("diff", { format: "2" }, [version, ...changes]);
}

function diffElement(a: XmlElement, b: XmlElement, path: string, out: XmlElement[]): void {
  const attrChanges: XmlElement[] = [];
  for (const name of Object.keys(a.attrs))
    if (!(name in b.attrs)) attrChanges.push(element("change-attr", { name, operation: "unset" }));
  for (const [name, value] of Object.entries(b.attrs))
    if (a.attrs[name] !== value) attrChanges.push(element("change-attr", { name, operation: "set", value }));
  if (attrChanges.length > 0) {
    const result = { ...cloneElement(b), children: [] };
    out.push(
      change({ operation: "modify", path }, [
        element("change-list", {}, attrChanges),
        element("change-result", {}, [result]),
      ]),
    );
  }

  const olds = keyedChildren(a);
  const news = keyedChildren(b);
  const newByKey = new Map(news.map((k) => [k.key, k]));
  const oldByKey = new Map(olds.map((k) => [k.key, k]));
  for (const o of olds)
    if (!newByKey.has(o.key))
      out.push(change({ operation: "delete", path: `${path}/${o.segment}`, position: String(o.index) }));

  // Reorder the children both sides have into `after`'s order, on the list as it is once the
  // deletes above are applied (the creates below come after, at their final positions).
  const order = olds.filter((o) => newByKey.has(o.key)).map((o) => o.key);
  const wanted = news.filter((n) => oldByKey.has(n.key)).map((n) => n.key);
  wanted.forEach((key, i) => {
    if (order[i] === key) return;
    order.splice(order.indexOf(key), 1);
    order.splice(i, 0, key);
    out.push(
      change({ operation: "move", path: `${path}/${oldByKey.get(key)!.segment}`, position: String(i) }),
    );
  });

  for (const n of news) {
    const o = oldByKey.get(n.key);
    if (o) diffElement(o.el, n.el, `${path}/${n.segment}`, out);
  }
  for (const n of news)
    if (!oldByKey.has(n.key))
      out.push(change({ operation: "create", path, position: String(n.index) }, [cloneElement(n.el)]));
}
