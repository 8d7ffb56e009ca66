import { type XmlElement, childElements, cloneElement, element, firstChild, walkElements } from "@hbx/cib";
import type { Action, WorkingSet } from "../types.js";
import { isUniqueClone } from "../assign/clone-assign.js";

/** The actions a transition would execute: required and runnable, resource actions not pseudo. */
export function executableActions(ws: WorkingSet): Action[] {
  return ws.actions.filter(
    (a) =>
      !a.optional &&
      a.runnable &&
      (a.task === "stonith" || (a.rsc !== undefined && !a.pseudo && a.node !== undefined)),
  );
}

function ensure(parent: XmlElement, name: string, attrs: Record<string, string>): XmlElement {
  const found = firstChild(parent, name);
  if (found) return found;
  const el = element(name, attrs);
  parent.children.push(el);
  return el;
}

/**
 * Simulated execution as crm_simulate -S does it: every executable action succeeds and its
 * result is recorded in a copy of the status section; fenced nodes go down with their history.
 */
export function simulateTransition(ws: WorkingSet): { cib: XmlElement; lines: string[] } {
  const cib = cloneElement(ws.cib);
  let status = firstChild(cib, "status");
  if (!status) {
    status = element("status");
    cib.children.push(status);
  }
  let callId = 0;
  for (const el of walkElements(status)) {
    const c = Number(el.attrs["call-id"]);
    if (Number.isFinite(c) && c > callId) callId = c;
  }
  const stateFor = (name: string, id: string): XmlElement => {
    for (const ns of childElements(status!, "node_state"))
      if (ns.attrs.uname === name || ns.attrs.id === id) return ns;
    const ns = element("node_state", {
      id,
      uname: name,
      in_ccm: "true",
      crmd: "online",
      join: "member",
      expected: "member",
    });
    status!.children.push(ns);
    return ns;
  };
  const lines: string[] = [];
  const actions = executableActions(ws);
  const rank = (a: Action): number =>
    a.task === "stonith" ? 0 : a.task === "stop" ? 1 : a.task === "demote" ? 2 : a.task === "start" ? 3 : 4;
  actions.sort((a, b) => rank(a) - rank(b) || a.uid - b.uid);
  for (const a of actions) {
    if (a.task === "stonith") {
      const n = a.fenceTarget!;
      lines.push(`  * Fencing ${n.name} (${a.fenceAction})`);
      // Unfencing leaves the node up.
      if (a.fenceAction === "on") continue;
      const ns = stateFor(n.name, n.id);
      Object.assign(ns.attrs, { in_ccm: "false", crmd: "offline", join: "down", expected: "down" });
      ns.children = ns.children.filter(
        (c) => !(c.kind === "element" && (c.name === "lrm" || c.name === "transient_attributes")),
      );
      continue;
    }
    const rsc = a.rsc!;
    const node = a.node!;
    lines.push(`  * Resource action: ${rsc.id.padEnd(15)} ${a.task} on ${node.name}`);
    if (node.unclean) continue;
    const ns = stateFor(node.name, node.id);
    const lrm = ensure(ns, "lrm", { id: node.id });
    const lrs = ensure(lrm, "lrm_resources", {});
    const anonymous = rsc.parent?.variant.kind === "clone" && !isUniqueClone(rsc.parent);
    const id = anonymous ? rsc.id.replace(/:\d+$/, "") : rsc.id;
    // An anonymous instance's history may be recorded under any instance number on that node;
    // a stop ends whatever any of those records says runs there.
    const records = childElements(lrs, "lrm_resource");
    const sameBase = (r: XmlElement): boolean => (r.attrs.id ?? "").replace(/:\d+$/, "") === id;
    let targets = records.filter((r) => r.attrs.id === id || r.attrs.id === rsc.id);
    if (anonymous && (targets.length === 0 || a.task === "stop"))
      targets = [...targets, ...records.filter((r) => sameBase(r) && !targets.includes(r))];
    if (targets.length > 1 && a.task !== "stop") targets = [targets[0]];
    if (targets.length === 0) {
      const lr = element("lrm_resource", {
        id: rsc.id,
        class: rsc.cls,
        provider: rsc.provider,
        type: rsc.type,
      });
      lrs.children.push(lr);
      targets = [lr];
    }
    callId++;
    for (const lr of targets)
      lr.children.push(
        element("lrm_rsc_op", {
          id: `${rsc.id}_${a.task}_0`,
          operation: a.task,
          "call-id": callId,
          "rc-code": 0,
          "op-status": 0,
          interval: 0,
          "transition-key": `0:0:0:simulated`,
          "last-rc-change": Math.floor(ws.now.getTime() / 1000),
        }),
      );
  }
  return { cib, lines };
}
