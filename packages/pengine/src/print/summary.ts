import { migrates } from "../actions/migration.js";
import { activeNode } from "../unpack/active.js";
import { type Action, type ClusterNode, type Resource, Role, roleText, type WorkingSet } from "../types.js";
import { guestContainer } from "../unpack/guest-reset.js";

/**
 * One Transition Summary entry before padding. Pacemaker pads with column
 * widths that only grow across every "rsc-action-item" it formats in the
 * process, and its scheduler formats the whole summary once for the log
 * before crm_simulate prints it, so every printed line already uses the
 * widths reached at the end of the list.
 */
interface Item {
  change: string;
  id: string;
  details: string;
  reason: string;
}

function actionsOf(rsc: Resource, task: string, node?: ClusterNode | null): Action | undefined {
  return rsc.actions.find(
    (a) =>
      a.task === task && a.interval === 0 && (node === undefined || node === null ? true : a.node === node),
  );
}

function line(
  change: string,
  rsc: Resource,
  origin: ClusterNode | undefined,
  dest: ClusterNode | undefined,
  action: Action | undefined,
  source: Action | undefined,
): Item {
  const src = source ?? action;
  const needRole = rsc.role > Role.Started || rsc.nextRole > Role.Unpromoted;
  const sameHost = origin !== undefined && dest !== undefined && origin === dest;
  const sameRole = rsc.role === rsc.nextRole;
  let details: string;
  if (needRole && origin === undefined)
    details = `${roleText(rsc.role)} -> ${roleText(rsc.nextRole)} ${dest!.name}`;
  else if (origin === undefined) details = dest!.name;
  else if (needRole && dest === undefined) details = `${roleText(rsc.role)} ${origin.name}`;
  else if (dest === undefined) details = origin.name;
  else if (needRole && sameRole && sameHost) details = `${roleText(rsc.role)} ${origin.name}`;
  else if (sameRole && sameHost) details = origin.name;
  else if (needRole && sameRole) details = `${origin.name} -> ${dest.name} ${roleText(rsc.role)}`;
  else if (sameRole) details = `${origin.name} -> ${dest.name}`;
  else if (sameHost) details = `${roleText(rsc.role)} -> ${roleText(rsc.nextRole)} ${origin.name}`;
  else details = `${roleText(rsc.role)} ${origin.name} -> ${roleText(rsc.nextRole)} ${dest.name}`;
  const runnable = action ? action.runnable : true;
  let reason = "";
  if (src?.reason && !runnable) reason = `due to ${src.reason} (blocked)`;
  else if (src?.reason) reason = `due to ${src.reason}`;
  else if (!runnable) reason = "blocked";
  return { change, id: rsc.id, details, reason };
}

/** One primitive's Transition Summary entries (Pacemaker's LogActions). */
function summarise(rsc: Resource, out: Item[], ws: WorkingSet): void {
  if (rsc.children.length > 0) {
    for (const c of rsc.children) summarise(c, out, ws);
    return;
  }
  const next = rsc.assigned ?? undefined;
  const current = activeNode(rsc, ws);
  if (current === undefined && rsc.orphan) return;
  if (!rsc.managed || (current === undefined && next === undefined)) return;
  if (current && rsc.role === Role.Stopped) rsc.role = Role.Started;
  const moving = current !== undefined && next !== undefined && current !== next;
  const start = actionsOf(rsc, "start", next);
  const startNode = start === undefined || !start.runnable ? undefined : current;
  const stop =
    startNode !== undefined
      ? rsc.actions.find((a) => a.task === "stop" && a.node === startNode)
      : rsc.actions.find((a) => a.task === "stop");
  const promote = actionsOf(rsc, "promote", next);
  const demote = actionsOf(rsc, "demote", next);
  if (rsc.role === rsc.nextRole) {
    if (next === undefined) return;
    if (start === undefined || start.optional) {
      if (current !== undefined && !moving && rsc.reloadOn?.has(current.name)) {
        out.push(line("Reload", rsc, current, next, start, undefined));
      } else if (demote && promote && !demote.optional && !promote.optional) {
        out.push(line("Re-promote", rsc, current, next, promote, demote));
      }
      return;
    }
    if (!start.runnable) {
      out.push(line("Stop", rsc, current, undefined, stop, stop?.reason ? stop : start));
    } else if (moving && current) {
      const verb = rsc.failed ? "Recover" : migrates(rsc) ? "Migrate" : "Move";
      out.push(line(verb, rsc, current, next, stop, undefined));
    } else if (rsc.failed) {
      out.push(line("Recover", rsc, current, undefined, stop, undefined));
    } else {
      out.push(line("Restart", rsc, current, next, start, undefined));
    }
    return;
  }
  if (stop && (rsc.nextRole === Role.Stopped || (start && !start.runnable))) {
    for (const node of rsc.runningOn) {
      const s = rsc.actions.find((a) => a.task === "stop" && a.node === node);
      out.push(line("Stop", rsc, node, undefined, s, s?.reason ? s : start));
    }
  } else if (stop && rsc.failed && !stop.optional) {
    out.push(line("Recover", rsc, current, next, stop, start));
  } else if (moving) {
    out.push(line("Move", rsc, current, next, stop, undefined));
  } else if (stop && !stop.optional) {
    out.push(line("Restart", rsc, current, next, start, undefined));
  } else if (rsc.role === Role.Promoted) {
    out.push(line("Demote", rsc, current, next, demote, undefined));
  } else if (rsc.nextRole === Role.Promoted) {
    out.push(line("Promote", rsc, current, next, promote, undefined));
  } else if (rsc.role === Role.Stopped && rsc.nextRole > Role.Stopped) {
    out.push(line("Start", rsc, current, next, start, undefined));
  }
}

/** The "Transition Summary:" entries, each without the leading "  * ". */
export function transitionSummaryLines(ws: WorkingSet): string[] {
  const out: string[] = [];
  for (const f of ws.fencing) {
    if (!f.runnable) continue;
    // A guest node is fenced by recovering its container, which Pacemaker names.
    const container = guestContainer(f.fenceTarget!);
    const by = container ? ` (resource: ${container.id})` : "";
    out.push(`Fence (${f.fenceAction}) ${f.fenceTarget!.name}${by} '${f.reason}'`);
  }
  const items: Item[] = [];
  for (const r of ws.resources) summarise(r, items, ws);
  // Grow the widths in call order as Pacemaker does: an id longer than the
  // current width widens the column to its length plus two, so the result
  // depends on order, not just on the longest id.
  let rscWidth = 5;
  let detailWidth = 5;
  for (const it of items) {
    if (it.id.length > rscWidth) rscWidth = it.id.length + 2;
    if (it.details.length > detailWidth) detailWidth = it.details.length;
  }
  for (const it of items) {
    const tail = it.reason ? `  ${it.reason}` : "";
    out.push(
      `${it.change.padEnd(8)}   ${it.id.padEnd(rscWidth)}   ( ${it.details.padStart(detailWidth)} )${tail}`,
    );
  }
  return out;
}

export function formatTransitionSummary(ws: WorkingSet): string {
  return ["Transition Summary:", ...transitionSummaryLines(ws).map((l) => `  * ${l}`)].join("\n") + "\n";
}
