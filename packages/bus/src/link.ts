import type { NodeName } from "./types.js";

/**
 * What the bus needs from the layer below: unreliable, unordered, possibly duplicating delivery of
 * frames of at most `maxFrameBytes` to one named node, and the frames that arrive with the name of
 * the node that sent them (already authenticated by the transport). Nothing else.
 */
export interface BusLink {
  readonly maxFrameBytes: number;
  send(to: NodeName, frame: Uint8Array): void;
  onFrame(handler: (from: NodeName, frame: Uint8Array) => void): void;
  close(): Promise<void>;
}
