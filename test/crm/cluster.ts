/** Three real hbxd processes in CRM mode on 127.0.0.1–.3, each with its own HA_RSCTMP. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
      env: { ...process.env, HA_RSCTMP: this.rsctmp },
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
