/**
 * A node's clean shutdown in CRM mode, as Pacemaker's controller does it: the node asks the DC
 * to set its `shutdown` transient attribute, the policy engine then moves or stops everything it
 * runs, and only when its own LRM runs nothing does the node leave (peers then need no
 * deadtime). A DC waits for its transition to finish as well, so the starts elsewhere are
 * recorded before the role passes on. Where no DC can do it (none elected, no quorum, or the
 * request keeps failing) the node stops its resources itself, latest started first. Bounded by
 * shutdown-escalation (Pacemaker's default 20 min): after that it gives up loudly.
 */
import type { Logger } from "pino";

export interface ShutdownDeps {
  /** Ask the DC to set this node's `shutdown` attribute; resolves once it is in the CIB. */
  requestShutdown(): Promise<void>;
  /** Is the attribute set in the CIB this node holds? */
  shutdownRecorded(): boolean;
  /** Resources this node's LRM may still run. */
  active(): string[];
  /** A DC that can act for us: elected, reachable and quorate (or no-quorum-policy allows it). */
  dcCanAct(): boolean;
  /** True when this node is the DC and its loop is still working. */
  dcBusy(): boolean;
  /** Stop everything locally (no DC can). */
  stopLocally(): Promise<void>;
  log: Logger;
  escalationMs: number;
  /** How long to wait for a DC that can act before stopping locally. */
  noDcGraceMs: number;
  pollMs?: number;
  now?: () => number;
}

export type ShutdownOutcome = "clean" | "stopped-locally" | "escalated";

export async function shutDownCleanly(deps: ShutdownDeps): Promise<ShutdownOutcome> {
  const now = deps.now ?? Date.now;
  const poll = deps.pollMs ?? 100;
  const start = now();
  /** The last time a DC showed it handles this shutdown (the attribute is in its CIB). */
  let handledAt = start;
  const log = deps.log;
  log.info({ active: deps.active() }, `shutdown: moving ${deps.active().join(" ") || "nothing"} away`);
  for (;;) {
    if (deps.active().length === 0 && !deps.dcBusy()) {
      log.info({ ms: now() - start }, `shutdown: nothing runs here, leaving the cluster`);
      return "clean";
    }
    if (now() - start >= deps.escalationMs) {
      log.error(
        { active: deps.active(), escalationMs: deps.escalationMs },
        `shutdown-escalation (${deps.escalationMs} ms) passed with ${deps.active().join(" ")} still active here: stopping anyway`,
      );
      return "escalated";
    }
    if (deps.dcCanAct()) {
      if (deps.shutdownRecorded()) handledAt = now();
      else
        await deps
          .requestShutdown()
          .catch((e: Error) =>
            log.warn({ err: e.message }, `shutdown: the DC did not take the request: ${e.message}`),
          );
    }
    if (now() - handledAt >= deps.noDcGraceMs) {
      log.warn(
        { active: deps.active() },
        `shutdown: no DC took the request (none elected, or no quorum): stopping ${deps.active().join(" ")} here`,
      );
      await deps.stopLocally();
      if (deps.active().length === 0) return "stopped-locally";
      handledAt = now();
    }
    await new Promise((r) => setTimeout(r, poll));
  }
}
