/** A cluster node's name as ha.cf `node` lines and `uname -n` spell it. */
export type NodeName = string;
/** A named channel ("cib", "crmd", "ccm"): the bus's equivalent of a Heartbeat API client type. */
export type ChannelName = string;
/**
 * A sender incarnation. Heartbeat calls it the generation (`hg`): it grows on every restart so
 * peers can tell a restarted node from a late packet of the old one. Integers up to 2^53.
 */
export type Generation = number;

/** Tunables of the bus protocol; every node of a cluster should use the same values. */
export interface BusConfig {
  /** Frames in flight (sent, not yet acknowledged) per destination; also the receiver's reorder window. */
  windowFrames: number;
  /** Bytes in flight per destination, so a burst does not overflow the peer's socket buffer. */
  windowBytes: number;
  /** Largest frame the link carries (from BusLink.maxFrameBytes). */
  maxFrameBytes: number;
  /** Largest message an application may send (after compression), and the reassembly bound. */
  maxMessageBytes: number;
  /** Out-of-order frames a receiver buffers per sender, in bytes; beyond it frames are dropped and re-requested. */
  maxBufferedBytes: number;
  /** Messages at least this large are zlib-compressed (Heartbeat's compression_threshold). */
  compressThresholdBytes: number;
  /** A gap is reported after a random delay in [nackMinDelayMs, nackMaxDelayMs], so reordering is not mistaken for loss. */
  nackMinDelayMs: number;
  nackMaxDelayMs: number;
  /** A retransmit request still unanswered is repeated after this long (Heartbeat's max_rexmit_delay). */
  maxRexmitDelayMs: number;
  /** A sender resends a frame for a retransmit request at most once per this interval. */
  minRexmitGapMs: number;
  /** Cumulative acknowledgement after this many in-order frames ... */
  ackEveryFrames: number;
  /** ... or this long after the first unacknowledged one. */
  ackDelayMs: number;
  /** Without acknowledgement progress for this long the sender resends its newest frame (tail-loss probe). */
  probeMs: number;
  /** Upper bound of the probe back-off. */
  maxProbeMs: number;
  /** A message not acknowledged within this long fails, with every later message to the same node. */
  deliveryTimeoutMs: number;
}

export const defaultBusConfig: BusConfig = {
  windowFrames: 512,
  windowBytes: 1 << 20,
  maxFrameBytes: 60000,
  maxMessageBytes: 64 << 20,
  maxBufferedBytes: 8 << 20,
  compressThresholdBytes: 2048,
  nackMinDelayMs: 2,
  nackMaxDelayMs: 10,
  maxRexmitDelayMs: 50,
  minRexmitGapMs: 10,
  ackEveryFrames: 32,
  ackDelayMs: 5,
  probeMs: 40,
  maxProbeMs: 1000,
  deliveryTimeoutMs: 30000,
};

/** A message handed to the application. */
export interface BusMessage {
  from: NodeName;
  channel: ChannelName;
  payload: Uint8Array;
  /** Set when the sender awaits a reply (`Bus.request`). */
  requestId?: number;
}

/** Inputs of the sans-I/O core. `ref` values are chosen by the caller and come back in results. */
export type BusEvent =
  | { type: "send"; ref: number; channel: ChannelName; to: NodeName | null; payload: Uint8Array }
  | {
      type: "request";
      ref: number;
      channel: ChannelName;
      to: NodeName;
      payload: Uint8Array;
      timeoutMs: number;
    }
  | { type: "reply"; to: NodeName; channel: ChannelName; requestId: number; payload: Uint8Array }
  | { type: "frame"; from: NodeName; bytes: Uint8Array }
  | { type: "timer" }
  | { type: "peerUp"; node: NodeName }
  | { type: "peerDown"; node: NodeName };

export type FailureReason = "timeout" | "peer-down" | "peer-restarted" | "receiver-lost-state" | "too-large";

/** Outputs of the sans-I/O core, to be carried out by the runtime in order. */
export type BusEffect =
  | { type: "frame"; to: NodeName; bytes: Uint8Array }
  | { type: "deliver"; message: BusMessage }
  | { type: "sent"; ref: number; failed: { node: NodeName; reason: FailureReason }[] }
  | { type: "reply"; ref: number; from: NodeName; payload: Uint8Array }
  | { type: "requestFailed"; ref: number; to: NodeName; reason: FailureReason | "request-timeout" };
