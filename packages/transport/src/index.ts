export {};

// Heartbeat v1 configuration files: ha.cf, authkeys, haresources.
export * from "./config/index.js";

// The Heartbeat 3.0.6 wire format (netstring and classic) and its auth (crc, md5, sha1).
export * from "./codec/index.js";
export * from "./auth/index.js";

// Liveness: keepalive, warntime, deadtime, initdead, generations and replay windows (sans-I/O).
export * from "./liveness/index.js";

// Media adapters (UDP ucast/bcast/mcast, ICMP ping) and the node runtime that wires them.
export {
  UdpLink,
  planLinks,
  broadcastAddress,
  type LinkFaults,
  type UdpLinkOptions,
  type UdpMediumSpec,
} from "./adapters/udp.js";
export { IcmpPinger } from "./adapters/ping.js";
export * from "./runtime/index.js";
