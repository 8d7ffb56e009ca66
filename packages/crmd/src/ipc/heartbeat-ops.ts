import type { HeartbeatTransport, NodeSnapshot } from "@hbx/transport";
import { IpcError } from "./protocol.js";
import type { IpcHandler } from "./server.js";

/** What `hb.status` answers: enough for every cl_status subcommand in one round trip. */
export interface HeartbeatStatus {
  local: string;
  generation: number;
  /** Local status as cl_status hbstatus reports it. */
  running: boolean;
  nodes: NodeSnapshot[];
  clients: { name: string; pid: number }[];
  /** `crm` mode from ha.cf: "haresources" (v1) or "crm". */
  managedBy?: string;
  /** haresources mode: what `cl_status rscstatus` answers (none/local/foreign/all/transition). */
  rscStatus?: string;
}

/** The part of v1 mode the IPC needs. */
export interface RscStatusSource {
  rscStatus(): string;
  /** hb_standby: give up local, foreign or all groups. */
  standby?(which: "local" | "foreign" | "all"): void;
  /** hb_takeover: ask the other nodes for local, foreign or all groups. */
  takeover?(which: "local" | "foreign" | "all"): void;
}

/**
 * hb_standby/hb_takeover's argument: all, local, foreign, or failback: groups going back to
 * their home node, so the foreign ones for a standby (Heartbeat's hb_standby maps it so) and
 * this node's own for a takeover.
 */
function resourceSet(
  op: string,
  args: Record<string, unknown>,
  failback: "local" | "foreign",
): "local" | "foreign" | "all" {
  const which = args.which ?? "all";
  if (which === "failback") return failback;
  if (which === "all" || which === "local" || which === "foreign") return which;
  throw new IpcError(
    "bad-request",
    `${op}: expected all, local, foreign or failback, found ${JSON.stringify(which)}`,
  );
}

/** The heartbeat layer's IPC operations. */
export function heartbeatHandlers(
  hb: HeartbeatTransport,
  managedBy = "haresources",
  v1?: RscStatusSource,
): Record<string, IpcHandler> {
  return {
    // Heartbeat's hb_standby / hb_takeover (its ask_resources and hb_takeover messages).
    "v1.standby": (args) => {
      if (!v1?.standby)
        throw new IpcError(
          "failed",
          `hb_standby needs haresources mode; this node runs ${managedBy}: use crm_standby`,
        );
      const which = resourceSet("v1.standby", args, "foreign");
      v1.standby(which);
      return { which };
    },
    "v1.takeover": (args) => {
      if (!v1?.takeover)
        throw new IpcError(
          "failed",
          `hb_takeover needs haresources mode; this node runs ${managedBy}: use crm_resource --move`,
        );
      const which = resourceSet("v1.takeover", args, "local");
      v1.takeover(which);
      return { which };
    },
    "hb.status": (): HeartbeatStatus => ({
      local: hb.name,
      generation: hb.generation,
      running: true,
      nodes: hb.snapshot(),
      clients: [],
      managedBy,
      ...(v1 ? { rscStatus: v1.rscStatus() } : {}),
    }),
    // Test hook: cut a link or make it lossy (drops happen at the media adapter).
    "hb.link-faults": (args) => {
      const link = String(args.link ?? "");
      const faults: { cut?: boolean; lossRate?: number } = {};
      if (typeof args.cut === "boolean") faults.cut = args.cut;
      if (typeof args.lossRate === "number") faults.lossRate = args.lossRate;
      if (!hb.setLinkFaults(link, faults)) throw new IpcError("not-found", `no link ${link} on ${hb.name}`);
      return { link, ...faults };
    },
    // How regularly this node's own heartbeats left (the longest gap), since the last reset.
    "hb.send-stats": (args) => hb.sendStats(args.reset === true),
    ...(process.env.HBX_TEST_HOOKS === "1" ? mainThreadBlocker() : {}),
  };
}

/**
 * Test hook, only with HBX_TEST_HOOKS=1: hold the main thread busy for `ms` (as a huge CIB's
 * parse and validation does), to prove the heartbeat thread keeps beating meanwhile.
 */
function mainThreadBlocker(): Record<string, IpcHandler> {
  return {
    "test.block-main-thread": (args) => {
      const ms = Math.min(Number(args.ms ?? 5000), 60_000);
      const start = performance.now();
      while (performance.now() - start < ms) {
        // busy: nothing else on this thread runs
      }
      return { blockedMs: Math.round(performance.now() - start) };
    },
  };
}
