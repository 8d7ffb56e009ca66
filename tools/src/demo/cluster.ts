import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { BIN } from "./shell.js";

export const NODES = [
  { name: "alpha", addr: "127.0.0.1" },
  { name: "bravo", addr: "127.0.0.2" },
  { name: "charlie", addr: "127.0.0.3" },
] as const;
export type DemoNode = (typeof NODES)[number]["name"];

export const SERVICE = "web";
export const FLOATING_IP = "127.0.0.100/8/lo";

/** The 3-node configuration: ha.cf, authkeys (sha1, mode 600), haresources, init.d/web. */
export function writeConfig(dir: string, withIp: boolean): string {
  const ha = join(dir, "ha.d");
  mkdirSync(join(ha, "init.d"), { recursive: true });
  const haCf = [
    "# hbx demo: three nodes on loopback",
    "logfile " + join(dir, "ha-log"),
    "keepalive 500ms",
    "deadtime 3",
    "warntime 1",
    "initdead 3",
    "udpport 7899",
    ...NODES.map((n) => `ucast lo ${n.addr}`),
    "auto_failback on",
    `node ${NODES.map((n) => n.name).join(" ")}`,
    "crm off",
    "",
  ].join("\n");
  writeFileSync(join(ha, "ha.cf"), haCf);
  writeFileSync(join(ha, "authkeys"), "auth 1\n1 sha1 hbx-demo-secret\n");
  chmodSync(join(ha, "authkeys"), 0o600);
  const group = withIp ? `alpha IPaddr2::${FLOATING_IP} ${SERVICE}` : `alpha ${SERVICE}`;
  writeFileSync(join(ha, "haresources"), `${group}\n`);
  // The three-services example's init script: the stand-in daemon under the name "web".
  symlinkSync(join(repoRoot, "examples/three-services/init.d/web"), join(ha, "init.d", SERVICE));
  return ha;
}

export class DemoCluster {
  readonly children = new Map<DemoNode, ChildProcess>();
  constructor(
    readonly dir: string,
    readonly env: Record<string, string | undefined>,
    readonly withIp = false,
  ) {}

  socket(node: DemoNode): string {
    return join(this.dir, `${node}.sock`);
  }

  start(node: DemoNode): void {
    const n = NODES.find((x) => x.name === node)!;
    const child = spawn(
      join(BIN, "hbxd"),
      [
        "--ha-dir",
        join(this.dir, "ha.d"),
        "--node",
        node,
        "--state-dir",
        join(this.dir, "state", node),
        "--bind",
        n.addr,
        "--socket",
        this.socket(node),
      ],
      { stdio: ["ignore", "ignore", "ignore"], env: this.env },
    );
    this.children.set(node, child);
  }

  /** kill -9 the node's hbxd; resolves once it is gone. */
  kill9(node: DemoNode): Promise<void> {
    const c = this.children.get(node);
    this.children.delete(node);
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  }

  /** What this node's hbxd sees of the others (cl_status nodestatus), quietly. */
  nodeStatus(from: DemoNode, of: DemoNode): string {
    const r = spawnSync(join(BIN, "cl_status"), ["--socket", this.socket(from), "nodestatus", of], {
      encoding: "utf8",
    });
    return r.stdout.trim();
  }

  /** The stand-in service's pid on `node` when it is alive. */
  servicePid(node: DemoNode): number | undefined {
    const file = join(this.dir, "services", `${SERVICE}.${node}.pid`);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, "utf8"));
    const stat = `/proc/${pid}/stat`;
    if (!existsSync(stat) || readFileSync(stat, "utf8").split(") ")[1]?.[0] === "Z") return undefined;
    return pid;
  }

  where(): DemoNode[] {
    return NODES.map((n) => n.name).filter((n) => this.servicePid(n) !== undefined);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((n) => this.kill9(n)));
    for (const n of NODES) {
      const pid = this.servicePid(n.name);
      if (pid) process.kill(pid, "SIGKILL");
    }
  }
}
