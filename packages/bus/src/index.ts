export * from "./types.js";
export type { BusLink } from "./link.js";
export { BusCore, type BusCoreOptions, type BusCoreStats } from "./core.js";
export {
  decodeFrame,
  encodeAck,
  encodeData,
  FrameError,
  FrameType,
  type Frame,
  type DataFrame,
  type AckFrame,
} from "./frame.js";
export { seededRandom } from "./prng.js";
export { simulate, simPayload, readSimPayload, type SimOptions, type SimResult } from "./sim/simulator.js";
export * from "./sim/invariants.js";
export { Bus, BusSendError, BusRequestError, type BusOptions, type BusHandler, type Payload } from "./bus.js";
export {
  createUdpLink,
  type UdpLink,
  type UdpLinkOptions,
  type UdpLinkFaults,
  type UdpEndpoint,
} from "./adapters/udp-link.js";
export {
  createTransportLink,
  followLiveness,
  BUS_MESSAGE_TYPE,
  TRANSPORT_MAX_FRAME_BYTES,
  TRANSPORT_BUS_CONFIG,
} from "./adapters/transport-link.js";
