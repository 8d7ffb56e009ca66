import { type AutoFailback } from "@hbx/transport";
import { type GroupId, type GroupState, type NodeName, type V1Group } from "./types.js";

/** What one node knows about one node (itself included) for placing groups. */
export interface NodeView {
  /** Up as the heartbeat layer says, and its state announcement received. */
  readonly ready: boolean;
  readonly shuttingDown: boolean;
  state(group: GroupId): GroupState | undefined;
  readonly declined: ReadonlySet<GroupId>;
  readonly failed: ReadonlySet<GroupId>;
}

const RUNNING: ReadonlySet<GroupState | undefined> = new Set(["claiming", "starting", "started"]);

/**
 * Where a group should run, by the same rule on every node, so nodes with the same view agree:
 * among the ready nodes that are not shutting down and have not failed the group (those that
 * gave it up with hb_standby only when nobody else can take it), in ha.cf's node order:
 * - auto_failback on (and legacy, Heartbeat's old always-fail-back behaviour): the preferred
 *   node, else whoever runs it now, else the first such node;
 * - auto_failback off: whoever runs it now, else the preferred node, else the first.
 * Undefined when no node can run it.
 */
export function targetNode(
  group: V1Group,
  nodes: readonly NodeName[],
  view: (node: NodeName) => NodeView | undefined,
  autoFailback: AutoFailback,
): NodeName | undefined {
  const candidates = nodes.filter((n) => {
    const v = view(n);
    return v !== undefined && v.ready && !v.shuttingDown && !v.failed.has(group.id);
  });
  const willing = candidates.filter((n) => !view(n)!.declined.has(group.id));
  const eligible = willing.length > 0 ? willing : candidates;
  if (eligible.length === 0) return undefined;
  const holder = eligible.find((n) => RUNNING.has(view(n)!.state(group.id)));
  const preferred = eligible.includes(group.preferred) ? group.preferred : undefined;
  if (autoFailback === "off") return holder ?? preferred ?? eligible[0];
  return preferred ?? holder ?? eligible[0];
}
