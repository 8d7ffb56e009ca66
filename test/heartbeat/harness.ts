import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";

export const ROOT = repoRoot;
export const HEARTBEAT = "/usr/libexec/heartbeat/heartbeat";
export const REAL_CL_STATUS = "/usr/bin/cl_status";
const HBXD = join(ROOT, "packages/crmd/bin/hbxd.js");
const CL_STATUS = join(ROOT, "packages/cli/bin/cl_status.js");

export const isRoot = process.getuid?.() === 0;
const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/** Why the real-Heartbeat tests cannot run here, or undefined when they can. */
export function realHeartbeatUnavailable(): string | undefined {
  if (!existsSync(HEARTBEAT)) return `${HEARTBEAT} is not installed (Debian package heartbeat)`;
  if (!existsSync(REAL_CL_STATUS)) return `${REAL_CL_STATUS} is not installed`;
  if (!have("unshare") || !have("nsenter")) return "unshare/nsenter (util-linux) are not installed";
  if (!isRoot) return "not root: the real daemon needs its own mount and UTS namespaces";
  return undefined;
}

/** The multi-process tests run the built daemons; build them if a fresh clone has no dist yet. */
export function ensureBuilt(): void {
  const built =
    existsSync(join(ROOT, "packages/crmd/dist/hbxd/main.js")) &&
    existsSync(join(ROOT, "packages/cli/dist/cl_status/main.js"));
  if (built) return;
  const r = spawnSync("npx", ["tsc", "-b", "packages/crmd", "packages/cli"], { cwd: ROOT, encoding: "utf8" });
  if (!existsSync(join(ROOT, "packages/crmd/dist/hbxd/main.js")))
    throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  stepMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

export interface AuthSpec {
  method: "crc" | "md5" | "sha1";
  key?: string;
}

export function authkeysText(a: AuthSpec): string {
  return a.method === "crc" ? "auth 1\n1 crc\n" : `auth 1\n1 ${a.method} ${a.key}\n`;
}

export function writeHaDir(dir: string, haCf: string, auth: AuthSpec): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ha.cf"), haCf);
  writeFileSync(join(dir, "authkeys"), authkeysText(auth));
  chmodSync(join(dir, "authkeys"), 0o600);
  return dir;
}

/** An hbxd child process on its own loopback address, with its socket and logs in `dir`. */
export class HbxdProcess {
  child?: ChildProcess;
  readonly socket: string;
  readonly logfile: string;
  stderr = "";

  constructor(
    readonly dir: string,
    readonly node: string,
    readonly bind: string,
  ) {
    this.socket = join(dir, "hbxd.sock");
    this.logfile = join(dir, "ha-log");
  }

  start(): void {
    this.child = spawn(
      process.execPath,
      [
        HBXD,
        "--ha-dir",
        join(this.dir, "ha.d"),
        "--node",
        this.node,
        "--state-dir",
        join(this.dir, "state"),
        "--bind",
        this.bind,
        "--socket",
        this.socket,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  async ready(): Promise<void> {
    await waitFor(`hbxd ${this.node} socket`, () => existsSync(this.socket) || undefined, 10_000, 50);
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once("exit", () => resolve());
      c.kill(signal);
    });
  }

  log(): string {
    return existsSync(this.logfile) ? readFileSync(this.logfile, "utf8") : "";
  }
}

/** hbx's cl_status (the built binary) against one hbxd. */
export function hbxClStatus(socket: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CL_STATUS, "--socket", socket, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout.trim() };
}

/**
 * The Debian Heartbeat 3.0.6 daemon in its own mount and UTS namespaces: its ha.d, state and
 * /run are private bind mounts and a tmpfs, so the machine's /etc/ha.d is never touched. A
 * `sleep` left in the namespaces is the handle for nsenter (its cl_status) and for cleanup.
 */
export class RealHeartbeat {
  private anchor?: number;
  readonly logfile: string;

  constructor(
    readonly dir: string,
    readonly node: string,
  ) {
    this.logfile = join(dir, "ha-log");
  }

  start(): void {
    const etc = join(this.dir, "etc");
    const lib = join(this.dir, "lib");
    if (!existsSync(join(etc, "harc"))) {
      // harc, rc.d and resource.d come from the package; ha.cf/authkeys were written beside them.
      for (const f of ["harc", "rc.d", "resource.d", "shellfuncs"]) {
        if (existsSync(join("/etc/ha.d", f))) cpSync(join("/etc/ha.d", f), join(etc, f), { recursive: true });
      }
      writeFileSync(join(etc, "haresources"), "");
      for (const d of ["api", "ccm", "crm", "cores/root", "cores/hacluster", "cores/nobody"])
        mkdirSync(join(lib, d), { recursive: true });
    }
    const script = [
      "set -e",
      `mount --bind ${etc} /etc/ha.d`,
      `mount --bind ${lib} /var/lib/heartbeat`,
      "mount -t tmpfs tmpfs /run",
      "mkdir -p /run/heartbeat/ccm /run/heartbeat/crm /run/heartbeat/dopd",
      "chown -R hacluster:haclient /run/heartbeat /var/lib/heartbeat/ccm /var/lib/heartbeat/crm 2>/dev/null || true",
      `hostname ${this.node}`,
      `sleep 100000 </dev/null >/dev/null 2>&1 & echo $! > ${join(this.dir, "anchor.pid")}`,
      `${HEARTBEAT} >/dev/null 2>&1`,
    ].join("\n");
    const r = spawnSync("unshare", ["--mount", "--uts", "--propagation", "private", "sh", "-c", script], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`cannot start heartbeat: ${r.stderr}`);
    this.anchor = Number(readFileSync(join(this.dir, "anchor.pid"), "utf8"));
  }

  /** Heartbeat's own cl_status, run inside its namespaces. */
  clStatus(...args: string[]): { code: number; out: string } {
    const r = spawnSync("nsenter", ["-t", String(this.anchor), "-m", "-u", REAL_CL_STATUS, ...args], {
      encoding: "utf8",
    });
    return { code: r.status ?? -1, out: r.stdout.trim() };
  }

  /** Every process in this daemon's mount namespace (heartbeat's children, harc, the anchor). */
  private pids(): number[] {
    if (!this.anchor) return [];
    let ns: string;
    try {
      ns = readlinkSync(`/proc/${this.anchor}/ns/mnt`);
    } catch {
      return [];
    }
    const out: number[] = [];
    for (const e of readdirSync("/proc")) {
      if (!/^\d+$/.test(e)) continue;
      try {
        if (readlinkSync(`/proc/${e}/ns/mnt`) === ns) out.push(Number(e));
      } catch {
        // exited meanwhile
      }
    }
    return out;
  }

  /** Stop the daemon hard (every process of it), keeping the anchor unless `all`. */
  async kill(all = false): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const pids = this.pids().filter((p) => all || p !== this.anchor);
      if (pids.length === 0) break;
      for (const p of pids) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await sleep(100);
    }
    if (all) this.anchor = undefined;
  }

  /** Start the daemon again inside the same namespaces. */
  restart(): void {
    const r = spawnSync(
      "nsenter",
      [
        "-t",
        String(this.anchor),
        "-m",
        "-u",
        "sh",
        "-c",
        `rm -f /run/heartbeat.pid; ${HEARTBEAT} >/dev/null 2>&1`,
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`cannot restart heartbeat: ${r.stderr}`);
  }

  log(): string {
    return existsSync(this.logfile) ? readFileSync(this.logfile, "latin1") : "";
  }
}

/** Kill every stand-in service whose pid file the examples' init.d scripts left in `state`. */
export function killExampleServices(state: string): void {
  for (const f of existsSync(state) ? readdirSync(state) : []) {
    try {
      process.kill(Number(readFileSync(join(state, f), "utf8")));
    } catch {
      /* already gone */
    }
  }
}
