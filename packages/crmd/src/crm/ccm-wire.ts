/**
 * The adapter around the membership core in CRM mode: feeds it the heartbeat layer's liveness,
 * the views peers publish (signed `hbx-ccm` cluster messages on the heartbeat transport) and a
 * tick every half keepalive; broadcasts the views it publishes; hands membership and DC changes
 * to the CRM. No protocol logic lives here (see @hbx/ccm).
 */
import type { Logger } from "pino";
import {
  CCM_MESSAGE_TYPE,
  CCM_VIEWS_FIELD,
  CcmCore,
  type CcmEffect,
  decodeViews,
  encodeViews,
} from "@hbx/ccm";
import { type HaCf, HbMessage, type HeartbeatTransport } from "@hbx/transport";

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
  /** This node leaves cleanly: its last view (hearing nobody) goes out. */
  leave(): void;
  detach(): void;
}

export function wireCcm(opts: {
  ccm: CcmCore;
  hb: HeartbeatTransport;
  keepaliveMs: number;
  log: Logger;
  /** Membership and DC changes, in order. */
  apply(effects: MembershipEffect[]): void;
}): CcmWiring {
  const { ccm, hb, log } = opts;
  // Views go out as the heartbeats do: to every node that hears this one, not only to the nodes
  // this one hears (as the bus would), so the far side of a one-way fault learns it is not heard.
  const publish = (effects: CcmEffect[]): void => {
    for (const e of effects) {
      if (e.type !== "publish") continue;
      const m = new HbMessage({ t: CCM_MESSAGE_TYPE });
      m.setBinary(CCM_VIEWS_FIELD, Buffer.from(encodeViews(e.views), "utf8"));
      hb.sendCluster(m);
    }
  };
  const run = (effects: CcmEffect[]): void => {
    const rest: MembershipEffect[] = [];
    for (const e of effects) {
      if (e.type !== "publish") rest.push(e);
    }
    // Best effort: a view that does not arrive is replaced by the next one a keepalive later.
    publish(effects);
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
  const onMessage = (msg: HbMessage, from: string): void => {
    if (msg.get("t") !== CCM_MESSAGE_TYPE) return;
    try {
      const field = msg.getBinary(CCM_VIEWS_FIELD);
      if (!field) throw new Error(`ccm message from ${from}: no ${CCM_VIEWS_FIELD} field`);
      step({ type: "views", from, views: decodeViews(from, field.toString("utf8")) });
    } catch (e) {
      log.warn({ from, err: (e as Error).message }, (e as Error).message);
    }
  };
  hb.on("message", onMessage);
  // Twice a keepalive, so a view is republished within one keepalive of the last.
  const timer = setInterval(() => step({ type: "tick" }), Math.max(50, opts.keepaliveMs / 2));
  timer.unref();

  run(ccm.start(Date.now()));
  // Nodes already known when CRM mode starts.
  for (const s of hb.snapshot()) if (s.name !== hb.name && s.type === "normal") onStatus(s.name, s.status);

  return {
    step,
    leave() {
      publish(ccm.leave(Date.now()));
    },
    detach: () => {
      clearInterval(timer);
      hb.off("message", onMessage);
      hb.off("node-status", onStatus);
      hb.off("node-restarted", onRestart);
    },
  };
}
