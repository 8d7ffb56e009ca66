/**
 * hbxd nodes each in its own network namespace, joined by a bridge in a hub namespace (veth
 * pairs, 10.79.0.0/24): real kernel routing between the nodes, so a link fault is a real one
 * (`ip route add blackhole` in one node's namespace). Nothing touches the machine's interfaces.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { CrmNode } from "./cluster.js";

const HBXD = join(repoRoot, "packages/crmd/bin/hbxd.js");

/** Why namespaces cannot be made here, or undefined when they can. */
export const netnsUnavailable = (() => {
  if (process.getuid?.() !== 0) return "(needs root for ip netns)";
  if (spawnSync("ip", ["-V"]).status !== 0) return "(needs iproute2's ip)";
  return undefined;
})();

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8" });
}

/** A node whose hbxd runs inside its namespace. */
export class NetnsNode extends CrmNode {
  constructor(
    dir: string,
    name: string,
    addr: string,
    readonly ns: string,
  ) {
    super(dir, name, addr);
  }

  override start(): void {
    const args = [
      "netns",
      "exec",
      this.ns,
      process.execPath,
      HBXD,
      ...["--ha-dir", this.haDir, "--node", this.name, "--state-dir", join(this.dir, "state")],
      ...["--bind", this.addr, "--socket", this.socket],
    ];
    this.child = spawn("ip", args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, HA_RSCTMP: this.rsctmp },
    });
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }
}

export interface NetnsClusterOptions {
  names: string[];
  cib: string;
  tmpPrefix: string;
  keepalive?: string;
  deadtimeS: number;
  initdeadS: number;
}

export class NetnsCluster {
  readonly nodes: NetnsNode[] = [];
  readonly root: string;
  private readonly hub: string;
  private made: string[] = [];

  constructor(opts: NetnsClusterOptions) {
    this.root = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
    const tag = `${process.pid % 100000}`;
    this.hub = `hbxhub${tag}`;
    const addr = (i: number) => `10.79.0.${i + 1}`;
    opts.names.forEach((name, i) => {
      const n = new NetnsNode(join(this.root, name), name, addr(i), `hbx${tag}${name}`.slice(0, 15));
      const peers = opts.names.map((_, j) => addr(j)).filter((_, j) => j !== i);
      n.configure(
        [
          `logfile ${join(n.dir, "ha-log")}`,
          `keepalive ${opts.keepalive ?? "300ms"}`,
          "warntime 1",
          `deadtime ${opts.deadtimeS}`,
          `initdead ${opts.initdeadS}`,
          "udpport 694",
          ...peers.map((p) => `ucast eth0 ${p}`),
          `node ${opts.names.join(" ")}`,
          "crm on",
          "",
        ].join("\n"),
        opts.cib,
      );
      this.nodes.push(n);
    });
  }

  /** Make the namespaces, the bridge and one veth pair per node. */
  setUp(): void {
    ip("netns", "add", this.hub);
    this.made.push(this.hub);
    ip("-n", this.hub, "link", "add", "br0", "type", "bridge");
    ip("-n", this.hub, "link", "set", "br0", "up");
    this.nodes.forEach((n, i) => {
      ip("netns", "add", n.ns);
      this.made.push(n.ns);
      ip("-n", n.ns, "link", "set", "lo", "up");
      ip("-n", n.ns, "link", "add", "eth0", "type", "veth", "peer", "name", `p${i}`, "netns", this.hub);
      ip("-n", n.ns, "addr", "add", `${n.addr}/24`, "dev", "eth0");
      ip("-n", n.ns, "link", "set", "eth0", "up");
      ip("-n", this.hub, "link", "set", `p${i}`, "master", "br0");
      ip("-n", this.hub, "link", "set", `p${i}`, "up");
    });
  }

  node(name: string): NetnsNode {
    return this.nodes.find((x) => x.name === name)!;
  }

  /** From now on, every packet `from` sends to `to` is dropped by `from`'s kernel. */
  blackhole(from: string, to: string): void {
    ip("-n", this.node(from).ns, "route", "add", "blackhole", `${this.node(to).addr}/32`);
  }

  unblackhole(from: string, to: string): void {
    ip("-n", this.node(from).ns, "route", "del", "blackhole", `${this.node(to).addr}/32`);
  }

  start(): void {
    for (const n of this.nodes) n.start();
  }

  /** Kill every hbxd, delete the namespaces, remove the directory (kept with HBX_KEEP_TEST_DIR). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    for (const ns of this.made.reverse()) spawnSync("ip", ["netns", "del", ns]);
    this.made = [];
    if (!process.env.HBX_KEEP_TEST_DIR) rmSync(this.root, { recursive: true, force: true });
  }
}
