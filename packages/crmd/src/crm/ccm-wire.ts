/**
 * The adapter around the membership core in CRM mode: feeds it the heartbeat layer's liveness,
 * the views peers publish on the "ccm" bus channel, and a tick every keepalive; sends the views
 * it publishes to every peer; hands membership and DC changes to the CRM. No protocol logic
 * lives here (see @hbx/ccm).
 */
import type { Logger } from "pino";
import type { Bus } from "@hbx/bus";
import { CCM_CHANNEL, CcmCore, type CcmEffect, decodeViews, encodeViews } from "@hbx/ccm";
import type { HaCf, HeartbeatTransport } from "@hbx/transport";

export type MembershipEffect = Exclude<CcmEffect, { type: "publish" }>;

/** The membership core for this node, timed by ha.cf. */
export function createCcm(hb: HeartbeatTransport, hacf: HaCf): CcmCore {
  return new CcmCore({
    self: hb.name,
    nodes: hacf.nodes,
    generation: hb.generation,
    keepaliveMs: hacf.keepaliveMs,
    deadtimeMs: hacf.deadtimeMs,
  });
}

export interface CcmWiring {
  /** Feed one event (a clean leave, say) and carry out its effects. */
  step(ev: Parameters<CcmCore["step"]>[1]): void;
  /** This node leaves cleanly: its last view (hearing nobody) is sent, waited for up to `timeoutMs`. */
  leave(timeoutMs: number): Promise<void>;
  detach(): void;
}

export function wireCcm(opts: {
  ccm: CcmCore;
  hb: HeartbeatTransport;
  bus: Bus;
  keepaliveMs: number;
  log: Logger;
  /** Membership and DC changes, in order. */
  apply(effects: MembershipEffect[]): void;
}): CcmWiring {
  const { ccm, hb, bus, log } = opts;
  const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
  const run = (effects: CcmEffect[]): void => {
    const rest: MembershipEffect[] = [];
    for (const e of effects) {
      if (e.type !== "publish") {
        rest.push(e);
        continue;
      }
      // Best effort: a view that does not arrive is replaced by the next one a keepalive later.
      bus
        .send(CCM_CHANNEL, null, encodeViews(e.views))
        .catch((err: Error) => log.debug({ err: err.message }, `ccm views not delivered: ${err.message}`));
    }
    if (rest.length) opts.apply(rest);
  };
  const step = (ev: Parameters<CcmCore["step"]>[1]) => run(ccm.step(Date.now(), ev));

  const onStatus = (node: string, status: string): void => {
    if (status === "dead") step({ type: "node", node, up: false });
    else if (status === "up" || status === "active") step({ type: "node", node, up: true });
  };
  // A restart within deadtime: it left (its LRM state is gone) and joins anew.
  const onRestart = (node: string): void => step({ type: "node", node, up: true, restarted: true });
  hb.on("node-status", onStatus);
  hb.on("node-restarted", onRestart);
  const offViews = bus.on(CCM_CHANNEL, (msg) => {
    try {
      step({ type: "views", from: msg.from, views: decodeViews(msg.from, text(msg.payload)) });
    } catch (e) {
      log.warn({ from: msg.from, err: (e as Error).message }, (e as Error).message);
    }
  });
  // Twice a keepalive, so a view is republished within one keepalive of the last.
  const timer = setInterval(() => step({ type: "tick" }), Math.max(50, opts.keepaliveMs / 2));
  timer.unref();

  run(ccm.start(Date.now()));
  // Nodes already known when CRM mode starts.
  for (const s of hb.snapshot()) if (s.name !== hb.name && s.type === "normal") onStatus(s.name, s.status);

  return {
    step,
    async leave(timeoutMs) {
      const sends = ccm
        .leave(Date.now())
        .flatMap((e) => (e.type === "publish" ? [bus.send(CCM_CHANNEL, null, encodeViews(e.views))] : []));
      await Promise.race([Promise.allSettled(sends), new Promise((r) => setTimeout(r, timeoutMs))]);
    },
    detach: () => {
      clearInterval(timer);
      offViews();
      hb.off("node-status", onStatus);
      hb.off("node-restarted", onRestart);
    },
  };
}
