import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { IpcClient } from "@hbx/crmd";

/** Where hbx's own commands are: hbxd and the tools, as an administrator runs them. */
export const BIN = join(repoRoot, "node_modules/.bin");

/** The kernel's clock ticks per second, the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * User + system CPU seconds a process has used (Linux /proc), with those of its children it
 * has waited for when `reaped` (the tool processes a bench ran); undefined elsewhere. CPU time
 * says what a write costs even on a machine busy with other work, where wall time does not.
 */
export function cpuSeconds(pid: number | "self", reaped = false): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command name in parentheses: state, then utime, stime, cutime, cstime are
    // fields 14–17 of the line.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}

/** One hbxd of the measured cluster. */
export interface LiveNode {
  readonly name: string;
  readonly addr: string;
  readonly socket: string;
  readonly dir: string;
}

/** No resources (the benches write their own), fencing off, quorum as Pacemaker counts it. */
const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-quorum" name="no-quorum-policy" value="stop"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;

/**
 * Real hbxd processes in CRM mode on 127.0.0.1, .2, …, each ucast to the others, in a temporary
 * directory that stop() removes. `extraArgs` go to node's own command line (e.g. --cpu-prof).
 */
export class LiveCluster {
  readonly nodes: LiveNode[];
  private readonly children: ChildProcess[] = [];
  readonly root = mkdtempSync(join(tmpdir(), "hbx-live-bench-"));

  constructor(
    names: readonly string[],
    private readonly nodeArgs: readonly string[] = [],
    /** Each node's environment besides this process's (e.g. OCF_ROOT for a bench's agents). */
    private readonly nodeEnv: (node: string) => Record<string, string> = () => ({}),
  ) {
    const port = 30000 + (process.pid % 20000);
    this.nodes = names.map((name, i) => {
      const dir = join(this.root, name);
      const ha = join(dir, "ha.d");
      mkdirSync(ha, { recursive: true });
      const peers = names.map((_, j) => `127.0.0.${j + 1}`).filter((_, j) => j !== i);
      writeFileSync(
        join(ha, "ha.cf"),
        [
          `logfile ${join(dir, "ha-log")}`,
          "keepalive 500ms",
          "warntime 2",
          "deadtime 5",
          "initdead 5",
          `udpport ${port}`,
          ...peers.map((p) => `ucast lo ${p}`),
          `node ${names.join(" ")}`,
          "crm on",
          "",
        ].join("\n"),
      );
      writeFileSync(join(ha, "authkeys"), "auth 1\n1 sha1 hbx-live-bench\n");
      chmodSync(join(ha, "authkeys"), 0o600);
      writeFileSync(join(ha, "cib.xml"), CIB);
      return { name, addr: `127.0.0.${i + 1}`, socket: join(dir, "hbxd.sock"), dir };
    });
  }

  start(): void {
    for (const n of this.nodes) {
      const args = [
        ...this.nodeArgs,
        join(repoRoot, "packages/crmd/bin/hbxd.js"),
        ...["--ha-dir", join(n.dir, "ha.d"), "--node", n.name, "--state-dir", join(n.dir, "state")],
        ...["--bind", n.addr, "--socket", n.socket],
      ];
      const env = { ...process.env, ...this.nodeEnv(n.name) };
      this.children.push(spawn(process.execPath, args, { cwd: n.dir, env, stdio: "ignore" }));
    }
  }

  /** Each node's hbxd process id, in node order (undefined when it did not start). */
  pids(): (number | undefined)[] {
    return this.children.map((c) => c.pid);
  }

  /** CPU seconds the cluster's hbxd have used so far, undefined when they cannot be read. */
  cpuSeconds(): number | undefined {
    let sum = 0;
    for (const c of this.children) {
      const s = c.pid === undefined ? undefined : cpuSeconds(c.pid);
      if (s === undefined) return undefined;
      sum += s;
    }
    return sum;
  }

  /** Wait until every node answers cib.query, names the same DC and the CIB is quorate. */
  async waitReady(timeoutMs: number): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const dcs = await Promise.all(this.nodes.map((n) => queryDc(n.socket).catch(() => undefined)));
      const dc = dcs[0];
      if (dc !== undefined && dcs.every((d) => d === dc)) return dc;
      if (Date.now() > end)
        throw new Error(`the cluster did not agree on a quorate DC within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** SIGTERM every hbxd (so --cpu-prof writes its profile), wait, then remove the directory. */
  async stop(keepDir = false): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const force = setTimeout(() => c.kill("SIGKILL"), 10_000);
            c.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
    if (!keepDir) rmSync(this.root, { recursive: true, force: true });
  }
}

/** The DC a node names, once its CIB says it has quorum. */
async function queryDc(socket: string): Promise<string | undefined> {
  const c = await IpcClient.connect(socket, 1000);
  try {
    const r = await c.request<{ xml: string; dc: string | null }>("cib.query", {}, 2000);
    return r.dc !== null && /<cib\b[^>]*\bhave-quorum="(?:1|true)"/.test(r.xml) ? r.dc : undefined;
  } finally {
    c.close();
  }
}
