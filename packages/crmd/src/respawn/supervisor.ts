/**
 * The processes ha.cf's `respawn USER /path args` and `failfast USER /path args` lines name:
 * started with hbxd as that user, started again when they exit (RespawnPolicy decides), and
 * stopped last-started-first with SIGTERM when hbxd stops, as Heartbeat does with its clients.
 * `failfast` means "reboot this node when it dies" in Heartbeat; hbxd does not reboot the
 * machine: it logs the death as an error and restarts the client like `respawn`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { RespawnClient } from "@hbx/transport";
import { RespawnPolicy } from "./policy.js";

/** How long a client gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

interface Supervised {
  client: RespawnClient;
  command: string;
  policy: RespawnPolicy;
  child?: ChildProcess;
  ids?: { uid: number; gid: number };
}

export class RespawnSupervisor {
  private readonly clients: Supervised[];
  private stopping = false;

  constructor(
    clients: readonly RespawnClient[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.clients = clients.map((client) => ({
      client,
      command: [client.path, ...client.args].join(" "),
      policy: new RespawnPolicy(),
    }));
  }

  start(): void {
    for (const s of this.clients) {
      try {
        s.ids = userIds(s.client.user);
      } catch (e) {
        this.log.error(
          { client: s.command, user: s.client.user, line: s.client.line },
          `cannot start client "${s.command}": ${(e as Error).message}`,
        );
        continue;
      }
      this.launch(s);
    }
  }

  /** The pid of each running client, by command line. */
  running(): { command: string; pid: number; respawns: number }[] {
    return this.clients
      .filter((s) => s.child?.pid !== undefined && s.child.exitCode === null && s.child.signalCode === null)
      .map((s) => ({ command: s.command, pid: s.child!.pid!, respawns: s.policy.respawns }));
  }

  private launch(s: Supervised): void {
    const { uid, gid } = s.ids!;
    this.log.info({ client: s.command, uid, gid }, `Starting child client "${s.command}" (${uid},${gid})`);
    const child = spawn(s.client.path, s.client.args, { uid, gid, stdio: "ignore" });
    s.child = child;
    s.policy.started(this.now());
    child.on("error", (e) =>
      this.log.error({ client: s.command, err: e.message }, `client "${s.command}": ${e.message}`),
    );
    child.on("exit", (code, signal) => {
      if (s.child !== child) return;
      const how = signal ? `signal ${signal}` : `status ${code}`;
      const decision = s.policy.exited(this.now(), code, this.stopping);
      if (decision === "shutting-down") {
        this.log.info({ client: s.command, code, signal }, `client "${s.command}" exited (${how})`);
        return;
      }
      const level = s.client.failfast ? "error" : "warn";
      this.log[level](
        { client: s.command, pid: child.pid, code, signal, failfast: s.client.failfast },
        `client "${s.command}" (pid ${child.pid}) died (${how})${s.client.failfast ? ": failfast client, this node does not reboot" : ""}`,
      );
      if (decision === "asked-not-to")
        this.log.warn({ client: s.command }, `client "${s.command}" exited with 100: not respawning it`);
      else if (decision === "too-fast")
        this.log.error({ client: s.command }, `Client "${s.command}" respawning too fast: left stopped`);
      else {
        this.log.warn({ client: s.command }, `Respawning client "${s.command}"`);
        this.launch(s);
      }
    });
  }

  /** SIGTERM every client, the last started first, and wait for each (SIGKILL after a grace). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of [...this.clients].reverse()) {
      const c = s.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) continue;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => c.kill("SIGKILL"), STOP_GRACE_MS);
        c.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        c.kill("SIGTERM");
      });
    }
  }
}

/** A user's uid and primary gid from /etc/passwd (a name or a numeric id). */
export function userIds(user: string, passwd = "/etc/passwd"): { uid: number; gid: number } {
  for (const line of readFileSync(passwd, "utf8").split("\n")) {
    const f = line.split(":");
    if (f.length >= 4 && (f[0] === user || f[2] === user)) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`no user "${user}" in ${passwd}`);
}
