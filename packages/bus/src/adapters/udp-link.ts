/**
 * A BusLink over real UDP sockets: one socket per node, peers addressed by host:port, the sender
 * of a datagram named by its source address. Faults (loss, delay/reorder, duplication, cut links)
 * are injected on the sending side, so tests exercise the real kernel path with a bad network.
 * No protocol logic here.
 */
import { createSocket, type Socket } from "node:dgram";
import type { BusLink } from "../link.js";
import { defaultBusLogger, type Logger } from "../log.js";
import { seededRandom } from "../prng.js";
import type { NodeName } from "../types.js";

export interface UdpEndpoint {
  host: string;
  port: number;
}

export interface UdpLinkFaults {
  /** Probability that a datagram is dropped. */
  loss?: number;
  /** Probability that a datagram is sent twice. */
  duplicate?: number;
  /** Each datagram waits a random delay in [min, max] ms; a spread reorders them. */
  delayMs?: [number, number];
  /** Peers whose datagrams are all dropped (a cut link). */
  cut?: NodeName[];
}

export interface UdpLinkOptions {
  self: NodeName;
  bind: UdpEndpoint;
  peers?: Record<NodeName, UdpEndpoint>;
  faults?: UdpLinkFaults;
  /** Seeds the fault injection. */
  seed?: number;
  /** Loopback carries 64 KiB datagrams unfragmented; stay well below. */
  maxFrameBytes?: number;
  logger?: Logger;
}

export interface UdpLink extends BusLink {
  readonly address: UdpEndpoint;
  setFaults(f: UdpLinkFaults): void;
  /** Adds or moves a peer (e.g. once its socket is bound to an ephemeral port). */
  setPeer(name: NodeName, ep: UdpEndpoint): void;
  readonly counters: {
    sent: number;
    dropped: number;
    duplicated: number;
    received: number;
    unknownSource: number;
  };
}

const key = (host: string, port: number) => `${host}:${port}`;

/** Binds the socket and resolves once it is listening (port 0 picks a free port). */
export async function createUdpLink(o: UdpLinkOptions): Promise<UdpLink> {
  const log = o.logger ?? defaultBusLogger();
  const socket: Socket = createSocket({ type: "udp4", reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(o.bind.port, o.bind.host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  for (const set of [
    (n: number) => socket.setRecvBufferSize(n),
    (n: number) => socket.setSendBufferSize(n),
  ]) {
    try {
      set(4 << 20); // the kernel caps this at net.core.rmem_max/wmem_max
    } catch (err) {
      log.debug({ err }, "could not enlarge the UDP socket buffer");
    }
  }
  const addr = socket.address();
  const peers = new Map<NodeName, UdpEndpoint>();
  const byAddress = new Map<string, NodeName>();
  const setPeer = (name: NodeName, ep: UdpEndpoint) => {
    const old = peers.get(name);
    if (old) byAddress.delete(key(old.host, old.port));
    peers.set(name, ep);
    byAddress.set(key(ep.host, ep.port), name);
  };
  for (const [name, ep] of Object.entries(o.peers ?? {})) setPeer(name, ep);
  let faults: UdpLinkFaults = o.faults ?? {};
  const random = seededRandom(o.seed ?? 1);
  const counters = { sent: 0, dropped: 0, duplicated: 0, received: 0, unknownSource: 0 };
  let handler: ((from: NodeName, frame: Uint8Array) => void) | null = null;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  socket.on("message", (msg, rinfo) => {
    const from = byAddress.get(key(rinfo.address, rinfo.port));
    if (!from) {
      counters.unknownSource++;
      log.warn({ address: key(rinfo.address, rinfo.port) }, "datagram from an unknown address dropped");
      return;
    }
    counters.received++;
    handler?.(from, new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
  });
  socket.on("error", (err) => log.error({ err }, "UDP socket error"));

  const transmit = (ep: UdpEndpoint, frame: Uint8Array) => {
    if (closed) return;
    socket.send(frame, ep.port, ep.host, (err) => {
      if (err && !closed) log.warn({ err, to: key(ep.host, ep.port) }, "UDP send failed");
    });
  };

  const link: UdpLink = {
    maxFrameBytes: o.maxFrameBytes ?? 60000,
    address: { host: addr.address, port: addr.port },
    counters,
    setFaults(f) {
      faults = f;
    },
    setPeer,
    send(to, frame) {
      const ep = peers.get(to);
      if (!ep) {
        log.warn({ to }, "frame for a node with no known address dropped");
        return;
      }
      counters.sent++;
      if (faults.cut?.includes(to) || random() < (faults.loss ?? 0)) {
        counters.dropped++;
        return;
      }
      const copies = random() < (faults.duplicate ?? 0) ? 2 : 1;
      if (copies === 2) counters.duplicated++;
      for (let c = 0; c < copies; c++) {
        const d = faults.delayMs;
        if (!d || d[1] <= 0) {
          transmit(ep, frame);
          continue;
        }
        const t = setTimeout(
          () => {
            timers.delete(t);
            transmit(ep, frame);
          },
          d[0] + random() * (d[1] - d[0]),
        );
        timers.add(t);
      }
    },
    onFrame(h) {
      handler = h;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
  return link;
}
