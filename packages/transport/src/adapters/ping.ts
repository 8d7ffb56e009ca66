import { execFile } from "node:child_process";

/**
 * Watches a ping node by ICMP echo. Node has no raw sockets, so each probe runs the system's
 * `ping -c 1` (setuid or CAP_NET_RAW): slower than Heartbeat's in-process ICMP, but the same
 * packets on the wire. One probe per keepalive per ping address.
 */
export class IcmpPinger {
  private inflight = new Set<string>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onReply: (address: string) => void,
    private readonly pingPath = "/usr/bin/ping",
  ) {}

  probe(address: string): void {
    if (this.inflight.has(address)) return;
    this.inflight.add(address);
    const waitS = String(Math.max(1, Math.ceil(this.timeoutMs / 1000)));
    execFile(
      this.pingPath,
      ["-n", "-q", "-c", "1", "-W", waitS, address],
      { timeout: this.timeoutMs + 1000 },
      (err) => {
        this.inflight.delete(address);
        if (!err) this.onReply(address);
      },
    );
  }
}
