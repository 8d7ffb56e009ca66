import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { IpcClient } from "@hbx/crmd";

/** Where hbx's own commands are: hbxd and the tools, as an administrator runs them. */
export const BIN = join(repoRoot, "node_modules/.bin");

/** One hbxd of the measured cluster. */
export interface LiveNode {
  readonly name: string;
  readonly addr: string;
  readonly socket: string;
  readonly dir: string;
}

/** No resources (the measurement is of CIB writes), fencing off, quorum as Pacemaker counts it. */
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
      this.children.push(spawn(process.execPath, args, { cwd: n.dir, stdio: "ignore" }));
    }
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
