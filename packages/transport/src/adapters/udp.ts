import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { networkInterfaces } from "node:os";
import type { HaCfMedium } from "../config/index.js";
import type { LinkName } from "../liveness/types.js";

const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export type UdpMediumSpec = Exclude<HaCfMedium, { kind: "serial" }>;

/**
 * Test hooks: drop packets at the adapter, as a cut cable or a lossy network would. `random`
 * defaults to Math.random; tests pass a seeded generator.
 */
export interface LinkFaults {
  cut: boolean;
  lossRate: number;
  random?: () => number;
}

export interface UdpLinkOptions {
  name: LinkName;
  port: number;
  /** Local address to bind (several daemons share one machine on 127.0.0.1, .2, ...). */
  bindAddress?: string;
  media: UdpMediumSpec[];
  onPacket: (pkt: Buffer, from: RemoteInfo, link: LinkName) => void;
  onError?: (err: Error, link: LinkName) => void;
}

/**
 * One heartbeat link: a UDP socket on one (interface, port) and the destinations its media name
 * (ucast peers, the interface's broadcast address, mcast groups). Holds no protocol logic.
 */
export class UdpLink {
  readonly name: LinkName;
  readonly faults: LinkFaults = { cut: false, lossRate: 0 };
  private socket?: Socket;
  private readonly targets: { address: string; port: number }[] = [];

  constructor(private readonly opts: UdpLinkOptions) {
    this.name = opts.name;
  }

  async open(): Promise<void> {
    const s = createSocket({ type: "udp4", reuseAddr: true });
    this.socket = s;
    s.on("message", (pkt, rinfo) => {
      if (this.dropped()) return;
      this.opts.onPacket(pkt, rinfo, this.name);
    });
    s.on("error", (err) => this.opts.onError?.(err, this.name));
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      const mcast = this.opts.media.some((m) => m.kind === "mcast");
      // Multicast receivers must bind the wildcard address to see group traffic.
      s.bind(this.opts.port, mcast ? undefined : this.opts.bindAddress, () => {
        s.off("error", reject);
        resolve();
      });
    });
    // Bursts of cluster messages (the bus sends windows of frames) overflow the default buffer;
    // the kernel caps this at net.core.rmem_max, so it is best effort.
    try {
      s.setRecvBufferSize(RECV_BUFFER_BYTES);
      s.setSendBufferSize(RECV_BUFFER_BYTES);
    } catch {
      // keep the kernel default
    }
    for (const m of this.opts.media) {
      if (m.kind === "ucast") this.targets.push({ address: m.peer, port: m.port });
      else if (m.kind === "bcast") {
        s.setBroadcast(true);
        this.targets.push({ address: broadcastAddress(m.iface), port: m.port });
      } else {
        const ifAddr = interfaceAddress(m.iface);
        s.addMembership(m.group, ifAddr);
        s.setMulticastTTL(m.ttl);
        s.setMulticastLoopback(m.loop);
        // Send from our own address so peers on a shared loopback can tell the daemons apart.
        const out = this.opts.bindAddress ?? ifAddr;
        if (out) s.setMulticastInterface(out);
        this.targets.push({ address: m.group, port: m.port });
      }
    }
  }

  send(pkt: Buffer): void {
    const s = this.socket;
    if (!s || this.faults.cut) return;
    for (const t of this.targets) {
      if (this.dropped()) continue;
      s.send(pkt, t.port, t.address, (err) => {
        if (err) this.opts.onError?.(err, this.name);
      });
    }
  }

  private dropped(): boolean {
    if (this.faults.cut) return true;
    return this.faults.lossRate > 0 && (this.faults.random ?? Math.random)() < this.faults.lossRate;
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}

function ipv4(iface: string) {
  return networkInterfaces()[iface]?.find((a) => a.family === "IPv4");
}

function interfaceAddress(iface: string): string | undefined {
  return ipv4(iface)?.address;
}

/** The interface's directed broadcast address (address | ~netmask), as bcast media send to. */
export function broadcastAddress(iface: string): string {
  const a = ipv4(iface);
  if (!a) return "255.255.255.255";
  const ip = a.address.split(".").map(Number);
  const mask = a.netmask.split(".").map(Number);
  return ip.map((b, i) => (b | (~mask[i] & 0xff)) & 0xff).join(".");
}

/**
 * Group ha.cf media into links. Heartbeat names a link by its interface; media on the same
 * interface and port share one socket and one link. A second port on the same interface (the
 * only way to get two links over loopback) is named `IF:PORT`.
 */
export function planLinks(media: HaCfMedium[]): { name: LinkName; port: number; media: UdpMediumSpec[] }[] {
  const links: { name: LinkName; iface: string; port: number; media: UdpMediumSpec[] }[] = [];
  for (const m of media) {
    if (m.kind === "serial") continue;
    let l = links.find((x) => x.iface === m.iface && x.port === m.port);
    if (!l) {
      const taken = links.some((x) => x.iface === m.iface);
      l = { name: taken ? `${m.iface}:${m.port}` : m.iface, iface: m.iface, port: m.port, media: [] };
      links.push(l);
    }
    l.media.push(m);
  }
  return links.map(({ name, port, media: ms }) => ({ name, port, media: ms }));
}
