import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NODES, type DemoNode } from "./cluster.js";
import { BIN } from "./shell.js";

/** The group the CRM part moves around: two real ocf:heartbeat:Dummy members. */
export const GROUP = "web";
export const MEMBERS = ["web-ip", "web-site"] as const;
/** The UDP port of the CRM cluster: not the v1 part's, so the two never hear each other. */
const CRM_UDP_PORT = 7900;
export const CRM_DEADTIME_MS = 2000;

function member(id: string, monitorS: number): string {
  return `        <primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">
          <operations>
            <op id="${id}-monitor" name="monitor" interval="${monitorS}s" timeout="10s"/>
          </operations>
        </primitive>`;
}

/** The demo's CIB: no fencing (one machine plays every node), the group preferring alpha. */
export function demoCib(): string {
  return `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-quorum" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <group id="${GROUP}">
${member(MEMBERS[0], 5)}
${member(MEMBERS[1], 1)}
      </group>
    </resources>
    <constraints>
      <rsc_location id="${GROUP}-location" rsc="${GROUP}" node="alpha" score="100"/>
    </constraints>
  </configuration>
  <status/>
</cib>
`;
}

export function crmHaCf(logfile: string, self: string): string {
  return [
    "# hbx demo: three nodes on loopback, CRM mode",
    `logfile ${logfile}`,
    "keepalive 300ms",
    "warntime 1",
    `deadtime ${CRM_DEADTIME_MS / 1000}`,
    "initdead 3",
    `udpport ${CRM_UDP_PORT}`,
    ...NODES.filter((n) => n.name !== self).map((n) => `ucast lo ${n.addr}`),
    `node ${NODES.map((n) => n.name).join(" ")}`,
    "crm on",
    "",
  ].join("\n");
}

/**
 * Three hbxd in CRM mode, each with its own directory under `root` as on its own machine: ha.d
 * (ha.cf, authkeys, the initial cib.xml), state (the CIB store), rsctmp (HA_RSCTMP, where Dummy
 * keeps its state file), ha-log and the IPC socket.
 */
export class CrmDemoCluster {
  readonly children = new Map<DemoNode, ChildProcess>();
  constructor(
    readonly root: string,
    readonly env: Record<string, string | undefined>,
  ) {}

  dir(node: DemoNode): string {
    return join(this.root, node);
  }

  socket(node: DemoNode): string {
    return join(this.dir(node), "hbxd.sock");
  }

  /** Where Dummy keeps `rsc`'s state file on `node`: deleting it is how the demo fails a monitor. */
  dummyState(node: DemoNode, rsc: string): string {
    return join(this.dir(node), "rsctmp", `Dummy-${rsc}.state`);
  }

  configure(): void {
    for (const { name } of NODES) {
      const ha = join(this.dir(name), "ha.d");
      mkdirSync(ha, { recursive: true });
      mkdirSync(join(this.dir(name), "rsctmp"), { recursive: true });
      writeFileSync(join(ha, "ha.cf"), crmHaCf(join(this.dir(name), "ha-log"), name));
      writeFileSync(join(ha, "authkeys"), "auth 1\n1 sha1 hbx-demo-secret\n");
      chmodSync(join(ha, "authkeys"), 0o600);
      writeFileSync(join(ha, "cib.xml"), demoCib());
    }
  }

  /** The command line that starts `node`, as the tour prints it (under $DEMO). */
  static commandLine(node: DemoNode): string {
    const n = NODES.find((x) => x.name === node)!;
    const d = `$DEMO/${node}`;
    return `hbxd --ha-dir ${d}/ha.d --node ${node} --state-dir ${d}/state --bind ${n.addr} --socket ${d}/hbxd.sock`;
  }

  start(node: DemoNode): void {
    // Exactly the printed command line, with $DEMO standing for this cluster's directory.
    const argv = CrmDemoCluster.commandLine(node)
      .split(" ")
      .slice(1)
      .map((a) => a.replace("$DEMO", this.root));
    const child = spawn(join(BIN, "hbxd"), argv, {
      stdio: ["ignore", "ignore", "ignore"],
      // One HA_RSCTMP per node, as on real machines: each node's Dummy has its own state file.
      env: { ...this.env, HA_RSCTMP: join(this.dir(node), "rsctmp") },
    });
    this.children.set(node, child);
  }

  pid(node: DemoNode): number | undefined {
    return this.children.get(node)?.pid;
  }

  /** Send `signal` to the node's hbxd and resolve with how it ended once it is gone. */
  stop(node: DemoNode, signal: NodeJS.Signals): Promise<string> {
    const c = this.children.get(node);
    this.children.delete(node);
    if (!c) return Promise.resolve("not running");
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(ended(c));
    return new Promise((resolve) => {
      c.once("exit", () => resolve(ended(c)));
      c.kill(signal);
    });
  }

  /** Kill whatever still runs: the demo's last resort when it is interrupted or fails. */
  async killAll(): Promise<void> {
    await Promise.all([...this.children.keys()].map((n) => this.stop(n, "SIGKILL")));
  }
}

function ended(c: ChildProcess): string {
  return c.signalCode ? `killed by ${c.signalCode}` : `exit ${c.exitCode}`;
}
