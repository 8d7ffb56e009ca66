import { type XmlElement, childElements, firstChild, nvpairElements } from "@hbx/cib";

/**
 * A primitive with a remote-node meta attribute runs a guest node: Pacemaker adds an
 * ocf:pacemaker:remote connection primitive of that name to the configuration, launched by the
 * primitive (expand_remote_rsc_meta, pe_create_remote_xml), and the node follows from that
 * connection like any remote node. Returns the CIB with those primitives added to `<resources>`
 * (sharing everything else with the input), or the input itself when there are none.
 */
export function expandGuestNodes(cib: XmlElement): XmlElement {
  const conf = firstChild(cib, "configuration");
  const resources = conf ? firstChild(conf, "resources") : undefined;
  if (!conf || !resources) return cib;
  const ids = new Set<string>();
  const collect = (el: XmlElement): void => {
    if (el.attrs.id !== undefined) ids.add(el.attrs.id);
    for (const c of childElements(el)) if (RESOURCE_TAGS.has(c.name)) collect(c);
  };
  for (const c of childElements(resources)) collect(c);
  const added: XmlElement[] = [];
  const consider = (prim: XmlElement): void => {
    const made = connectionFor(prim, ids);
    if (made) {
      ids.add(made.attrs.id);
      added.push(made);
    }
  };
  for (const el of childElements(resources)) {
    // Guest nodes are defined by primitives, on their own or in a group (not in clones).
    if (el.name === "primitive") consider(el);
    else if (el.name === "group") for (const m of childElements(el, "primitive")) consider(m);
  }
  if (added.length === 0) return cib;
  const swap = (parent: XmlElement, from: XmlElement, to: XmlElement): XmlElement => ({
    ...parent,
    children: parent.children.map((c) => (c === from ? to : c)),
  });
  const newResources: XmlElement = { ...resources, children: [...resources.children, ...added] };
  return swap(cib, conf, swap(conf, resources, newResources));
}

const RESOURCE_TAGS = new Set(["primitive", "group", "clone", "master", "bundle"]);

function el(name: string, attrs: Record<string, string>, children: XmlElement[] = []): XmlElement {
  return { kind: "element", name, attrs, children };
}

/** The connection primitive a guest-node primitive asks for, unless a resource has its name. */
function connectionFor(prim: XmlElement, ids: Set<string>): XmlElement | undefined {
  const meta = new Map<string, string>();
  // As Pacemaker: plain nvpairs of the primitive's own meta_attributes, no rules or id-refs
  // (in either form: the rest of the engine reads v2's <attributes> wrapper too).
  for (const nv of nvpairElements(prim, "meta_attributes"))
    if (nv.attrs.name !== undefined && nv.attrs.value !== undefined) meta.set(nv.attrs.name, nv.attrs.value);
  const name = meta.get("remote-node");
  if (name === undefined || ids.has(name)) return undefined;
  const nv = (set: string, n: string, v: string): XmlElement =>
    el("nvpair", { id: `${set}-${n}`, name: n, value: v });
  const metaSet = `${name}-meta_attributes`;
  const metas = [nv(metaSet, "internal", "true"), nv(metaSet, "container", prim.attrs.id ?? "")];
  const allowMigrate = meta.get("remote-allow-migrate");
  if (allowMigrate !== undefined) metas.push(nv(metaSet, "allow-migrate", allowMigrate));
  const managed = meta.get("is-managed");
  if (managed !== undefined) metas.push(nv(metaSet, "is-managed", managed));
  const children = [el("meta_attributes", { id: metaSet }, metas)];
  const server = meta.get("remote-addr");
  const port = meta.get("remote-port");
  if (server !== undefined || port !== undefined) {
    const instSet = `${name}-instance_attributes`;
    const inst: XmlElement[] = [];
    if (server !== undefined) inst.push(nv(instSet, "addr", server));
    if (port !== undefined) inst.push(nv(instSet, "port", port));
    children.push(el("instance_attributes", { id: instSet }, inst));
  }
  const timeout = meta.get("remote-connect-timeout") ?? "60s";
  children.push(
    el("operations", {}, [
      el("op", { id: `${name}-monitor-interval-30s`, name: "monitor", interval: "30s", timeout: "30s" }),
      el("op", { id: `${name}-start-interval-0`, name: "start", interval: "0", timeout }),
    ]),
  );
  return el("primitive", { id: name, class: "ocf", provider: "pacemaker", type: "remote" }, children);
}
