import { type CibConstraint, MINUS_INFINITY, childElements, firstChild } from "@hbx/cib";
import { type Resource, Role, type WorkingSet, parseRole } from "../types.js";
import { resolveResources } from "./location.js";
import { boolOption } from "../unpack/attributes.js";

type LossPolicy = "stop" | "demote" | "fence" | "freeze";

interface TicketState {
  granted: boolean;
  standby: boolean;
}

/** Per working set: ticket states read from the status section, once. */
const ticketStates = new WeakMap<WorkingSet, Map<string, TicketState>>();

/** Instances that may not be promoted because a ticket they need in the Promoted role is gone. */
const noPromotion = new WeakSet<Resource>();

/**
 * Resources frozen where they are by loss-policy=freeze. Kept apart from is-managed: Pacemaker
 * applies the freeze while scheduling, so the status it prints does not show it.
 */
const frozen = new WeakSet<Resource>();

/** Whether a lost ticket froze this resource in place (no start, stop or move). */
export function frozenByTicket(rsc: Resource): boolean {
  return frozen.has(rsc);
}

/** Whether a ticket constraint keeps this resource (or what holds it) from being promoted. */
export function promotionForbiddenByTicket(rsc: Resource): boolean {
  for (const leaf of rsc.variant.leaves(rsc)) if (noPromotion.has(leaf) && !frozen.has(leaf)) return true;
  return false;
}

function readTickets(ws: WorkingSet): Map<string, TicketState> {
  let states = ticketStates.get(ws);
  if (states) return states;
  states = new Map();
  const status = firstChild(ws.cib, "status");
  const tickets = status ? firstChild(status, "tickets") : undefined;
  for (const t of tickets ? childElements(tickets, "ticket_state") : []) {
    if (t.attrs.id === undefined) continue;
    states.set(t.attrs.id, {
      granted: boolOption(t.attrs.granted, false),
      standby: boolOption(t.attrs.standby, false),
    });
  }
  ticketStates.set(ws, states);
  return states;
}

function lossPolicy(text: string | undefined, role: Role | undefined, ws: WorkingSet): LossPolicy {
  const v = (text ?? "").toLowerCase();
  // Fencing without fencing enabled cannot be done: Pacemaker falls back to stopping.
  if (v === "fence") return ws.options.stonithEnabled ? "fence" : "stop";
  if (v === "freeze" || v === "demote" || v === "stop") return v;
  return role === Role.Promoted ? "demote" : "stop";
}

/**
 * rsc_ticket: a resource may run (in the given role) only while its ticket is granted and not
 * on standby, as Pacemaker's rsc_ticket constraints say. A ticket lost while the resource is
 * active applies the loss-policy: stop it, demote it, fence the nodes it runs on, or freeze it
 * where it is.
 */
export function unpackTicket(c: CibConstraint, ws: WorkingSet): void {
  const ticketId = c.attrs.ticket;
  if (ticketId === undefined) return;
  const state = readTickets(ws).get(ticketId) ?? { granted: false, standby: false };
  if (state.granted && !state.standby) return;
  const targets: Array<{ rsc: Resource; role?: Role }> = [];
  const role = parseRole(c.attrs["rsc-role"]);
  for (const r of resolveResources(ws, c.attrs.rsc)) targets.push({ rsc: r, role });
  for (const set of childElements(c.element, "resource_set")) {
    const setRole = parseRole(set.attrs.role);
    for (const ref of childElements(set, "resource_ref"))
      for (const r of resolveResources(ws, ref.attrs.id)) targets.push({ rsc: r, role: setRole });
  }
  for (const t of targets) {
    const loss = lossPolicy(c.attrs["loss-policy"], t.role, ws);
    for (const leaf of t.rsc.variant.leaves(t.rsc)) applyToLeaf(leaf, t.role, loss, state, ws, c.id);
  }
}

function banEverywhere(rsc: Resource, ws: WorkingSet, source: string): void {
  for (const n of ws.nodes) rsc.variant.addScore(rsc, n, MINUS_INFINITY, source, ws);
}

function applyToLeaf(
  leaf: Resource,
  role: Role | undefined,
  loss: LossPolicy,
  state: TicketState,
  ws: WorkingSet,
  id: string,
): void {
  const promotedOnly = role === Role.Promoted;
  // The loss-policies that act on what runs apply only to a resource in the constrained role.
  const inRole = role === undefined || role === Role.Unknown || leaf.role === role;
  // Not promoted without the ticket, unless frozen as it is (checked when promoting).
  if (promotedOnly) noPromotion.add(leaf);
  if (!state.granted && leaf.runningOn.length > 0) {
    switch (loss) {
      case "stop":
        banEverywhere(leaf, ws, `loss of ticket (${id})`);
        break;
      case "demote":
        if (!promotedOnly) banEverywhere(leaf, ws, `loss of ticket (${id})`);
        break;
      case "fence":
        if (!inRole) return;
        banEverywhere(leaf, ws, `loss of ticket (${id})`);
        for (const node of leaf.runningOn) {
          if (node.unclean) continue;
          node.unclean = true;
          node.fenceReason = "deadman ticket was lost";
        }
        break;
      case "freeze":
        if (!inRole) return;
        frozen.add(leaf);
        break;
    }
  } else if (!promotedOnly || loss === "stop") {
    banEverywhere(leaf, ws, state.granted ? `ticket on standby (${id})` : `no ticket (${id})`);
  }
}
