/**
 * A BusLink over the heartbeat transport: each bus frame travels as the binary field of a signed
 * Heartbeat cluster message (`t=hbx-bus`, addressed with `dest` like any Heartbeat message to one
 * node), so it gets the transport's authentication, replay protection and redundant media.
 * `followLiveness` turns the transport's node-status changes into bus peerUp/peerDown.
 */
import { HbMessage, type HeartbeatTransport } from "@hbx/transport";
import type { Bus } from "../bus.js";
import type { BusLink } from "../link.js";
import type { NodeName } from "../types.js";

export const BUS_MESSAGE_TYPE = "hbx-bus";
export const BUS_FRAME_FIELD = "bus";
/** Heartbeat's MAXMSG is 40000 bytes on the wire; leave room for the control fields and auth. */
export const TRANSPORT_MAX_FRAME_BYTES = 32000;

/**
 * Bus settings for the transport path: its sockets keep the kernel's default receive buffer and
 * every frame grows by Heartbeat's control fields and signature, so a smaller window avoids
 * overflowing the peer's socket (which looks like heavy loss).
 */
export const TRANSPORT_BUS_CONFIG = { windowFrames: 64, windowBytes: 128 * 1024 };

export function createTransportLink(
  node: HeartbeatTransport,
  maxFrameBytes = TRANSPORT_MAX_FRAME_BYTES,
): BusLink {
  let handler: ((from: NodeName, frame: Uint8Array) => void) | null = null;
  const onMessage = (msg: HbMessage, from: NodeName) => {
    if (msg.get("t") !== BUS_MESSAGE_TYPE) return;
    const frame = msg.getBinary(BUS_FRAME_FIELD);
    if (frame) handler?.(from, new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
  };
  node.on("message", onMessage);
  return {
    maxFrameBytes,
    send(to, frame) {
      const m = new HbMessage({ t: BUS_MESSAGE_TYPE });
      m.setBinary(BUS_FRAME_FIELD, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      node.sendCluster(m, to);
    },
    onFrame(h) {
      handler = h;
    },
    async close() {
      node.off("message", onMessage);
    },
  };
}

/** Feeds the transport's liveness into the bus; returns a function that stops it. */
export function followLiveness(node: HeartbeatTransport, bus: Bus): () => void {
  const onStatus = (peer: NodeName, status: string) => {
    if (peer === node.name) return;
    if (status === "dead") bus.peerDown(peer);
    else if (status === "up" || status === "active") bus.peerUp(peer);
  };
  node.on("node-status", onStatus);
  return () => node.off("node-status", onStatus);
}
