/** Real hbxd processes in CRM mode on 127.0.0.1, .2, …, each with its own HA_RSCTMP. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { IpcClient } from "@hbx/crmd";

const HBXD = join(repoRoot, "packages/crmd/bin/hbxd.js");

export function ensureBuilt(): void {
  // Always rebuild crmd (incremental): the test must run the daemon built from this tree.
  const r = spawnSync("npx", ["tsc", "-b", "packages/crmd"], { cwd: repoRoot, encoding: "utf8" });
  if (!existsSync(join(repoRoot, "packages/crmd/dist/crm/mode.js")))
    throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  stepMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

export class CrmNode {
  child?: ChildProcess;
  stderr = "";
  readonly socket: string;
  readonly rsctmp: string;
  readonly haDir: string;
  /** Extra environment for this node's hbxd (and so its agents). */
  env: Record<string, string> = {};

  constructor(
    readonly dir: string,
    readonly name: string,
    readonly addr: string,
  ) {
    this.socket = join(dir, "hbxd.sock");
    this.rsctmp = join(dir, "rsctmp");
    this.haDir = join(dir, "ha.d");
  }

  configure(haCf: string, cibXml: string): void {
    mkdirSync(this.haDir, { recursive: true });
    mkdirSync(this.rsctmp, { recursive: true });
    writeFileSync(join(this.haDir, "ha.cf"), haCf);
    writeFileSync(join(this.haDir, "authkeys"), "auth 1\n1 sha1 crm-test-key\n");
    chmodSync(join(this.haDir, "authkeys"), 0o600);
    writeFileSync(join(this.haDir, "cib.xml"), cibXml);
  }

  start(): void {
    const args = [
      HBXD,
      "--ha-dir",
      this.haDir,
      "--node",
      this.name,
      "--state-dir",
      join(this.dir, "state"),
      "--bind",
      this.addr,
      "--socket",
      this.socket,
    ];
    // HA_RSCTMP is where ocf:heartbeat:Dummy keeps its state file: one per node, as on real machines.
    this.child = spawn(process.execPath, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, HA_RSCTMP: this.rsctmp, ...this.env },
    });
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  }

  async request<T>(op: string, args?: Record<string, unknown>): Promise<T> {
    const c = await IpcClient.connect(this.socket, 1000);
    try {
      return await c.request<T>(op, args, 5000);
    } finally {
      c.close();
    }
  }

  log(): string {
    const f = join(this.dir, "ha-log");
    return existsSync(f) ? readFileSync(f, "utf8") : "";
  }
}

export const DUMMY_AGENT = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
/** Why the CRM tests cannot run here, or undefined when they can. */
export const dummyUnavailable = existsSync(DUMMY_AGENT)
  ? undefined
  : `${DUMMY_AGENT} is not installed (resource-agents)`;

/** A CIB for the CRM tests: no fencing, quorum ignored, the given resources and constraints. */
export function crmTestCib(resources: string, constraints = "<constraints/>"): string {
  return `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-quorum" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
${resources}
    </resources>
    ${constraints}
  </configuration>
  <status/>
</cib>
`;
}

export interface CrmClusterOptions {
  /** Node names, bound to 127.0.0.1, .2, … in this order (the first is the DC). */
  names: string[];
  cib: string;
  /** Added to the process id to pick a private UDP port, so concurrent test clusters never meet. */
  portSalt: number;
  tmpPrefix: string;
  deadtimeS?: number;
  initdeadS?: number;
}

/** Several real hbxd in CRM mode on loopback, each ucast to all the others. */
export class CrmCluster {
  readonly nodes: CrmNode[] = [];
  readonly root: string;

  constructor(opts: CrmClusterOptions) {
    const port = 20000 + ((process.pid + opts.portSalt) % 20000);
    this.root = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
    opts.names.forEach((name, i) => {
      const dir = join(this.root, name);
      const n = new CrmNode(dir, name, `127.0.0.${i + 1}`);
      const peers = opts.names.map((_, j) => `127.0.0.${j + 1}`).filter((_, j) => j !== i);
      n.configure(
        [
          `logfile ${join(dir, "ha-log")}`,
          "keepalive 300ms",
          "warntime 1",
          `deadtime ${opts.deadtimeS ?? 2}`,
          `initdead ${opts.initdeadS ?? 3}`,
          `udpport ${port}`,
          ...peers.map((p) => `ucast lo ${p}`),
          `node ${opts.names.join(" ")}`,
          "crm on",
          "",
        ].join("\n"),
        opts.cib,
      );
      this.nodes.push(n);
    });
  }

  start(): void {
    for (const n of this.nodes) n.start();
  }

  node(name: string): CrmNode {
    return this.nodes.find((x) => x.name === name)!;
  }

  /** Kill every hbxd and remove the directory (kept when HBX_KEEP_TEST_DIR is set). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    if (!process.env.HBX_KEEP_TEST_DIR) rmSync(this.root, { recursive: true, force: true });
  }
}

/** Build the CLI too, for tests that run the tools as processes, as an administrator does. */
export function ensureCliBuilt(): void {
  const b = spawnSync("npx", ["tsc", "-b", "packages/cli"], { cwd: repoRoot, encoding: "utf8" });
  if (b.status !== 0) throw new Error(`cli build failed: ${b.stdout}${b.stderr}`);
}
