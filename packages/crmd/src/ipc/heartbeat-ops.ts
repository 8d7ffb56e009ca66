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
}

/** The heartbeat layer's IPC operations. */
export function heartbeatHandlers(
  hb: HeartbeatTransport,
  managedBy = "haresources",
  v1?: RscStatusSource,
): Record<string, IpcHandler> {
  return {
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
