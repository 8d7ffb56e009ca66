import { F, HbMessage } from "../codec/index.js";
import type { NodeName } from "../liveness/types.js";

/** Heartbeat's node-list handshake and flow-control messages, answered by the transport itself. */
export const T_REQNODES = "reqnodes";
export const T_REPNODES = "repnodes";
export const T_ACKMSG = "NS_ackmsg";
/** Types the transport consumes; they never reach "message" listeners. */
export const INTERNAL_TYPES = new Set([T_REQNODES, T_REPNODES, T_ACKMSG]);
/** Heartbeat acknowledges every ACK_MSG_DIV-th message of a peer (flow control). */
export const ACK_MSG_DIV = 10;

/**
 * The answer to a joining Heartbeat node's `reqnodes`: our node list and the deleted-node list
 * (Heartbeat sends a single space when it is empty). Until it gets this reply a Heartbeat
 * daemon keeps asking and does not open its API, so cl_status there would say it is stopped.
 */
export function repnodes(to: NodeName, nodes: NodeName[]): HbMessage {
  return new HbMessage({
    [F.type]: T_REPNODES,
    [F.to]: to,
    nodelist: nodes.map((n) => `${n} `).join(""),
    delnodelist: " ",
  });
}

export function ackmsg(to: NodeName, seq: number): HbMessage {
  return new HbMessage({ [F.type]: T_ACKMSG, [F.to]: to, ackseq: seq.toString(16) });
}

/** `NS_` messages carry no sequence number (and no load average), so they bypass retransmission. */
export function isUnsequenced(type: string | undefined): boolean {
  return type?.startsWith("NS_") ?? false;
}
