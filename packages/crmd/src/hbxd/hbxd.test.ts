import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IpcClient } from "../ipc/index.js";
import { formatLogLine } from "./logging.js";
import { parseHbxdArgs } from "./options.js";
import { parseAuthkeys, parseHaCf } from "@hbx/transport";
import { planReload } from "./reload.js";
import { spawn } from "node:child_process";
import pino from "pino";
import { AlreadyRunningError, acquirePidfile } from "./pidfile.js";
import { type HbxdSignal, run } from "./run.js";

const root = mkdtempSync(join(tmpdir(), "hbxd-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function haDir(name: string, haCf: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ha.cf"), haCf);
  writeFileSync(join(dir, "authkeys"), "auth 2\n2 sha1 k\n", { mode: 0o600 });
  return dir;
}

describe("hbxd", () => {
  it("takes its socket from --socket, then HBX_SOCKET, and its node name lower-cased", () => {
    expect(parseHbxdArgs(["--node", "Alpha", "--socket=/x.sock"], { HBX_SOCKET: "/y.sock" })).toMatchObject({
      node: "alpha",
      socket: "/x.sock",
      haDir: "/etc/ha.d",
    });
    expect(parseHbxdArgs([], { HBX_SOCKET: "/y.sock" }).socket).toBe("/y.sock");
  });

  it("refuses a bad ha.cf naming the file and line, and a bad flag with usage", async () => {
    const dir = haDir("bad", "keepalive 1\ndeadtime soon\nucast lo 127.0.0.1\nnode a\n");
    let err = "";
    const io = { stdout: () => {}, stderr: (t: string) => (err += t), env: {}, onSignal: () => {} };
    expect(await run(["--ha-dir", dir, "--node", "a", "--socket", join(root, "bad.sock")], io)).toBe(1);
    expect(err).toMatch(new RegExp(`${join(dir, "ha.cf")}:2`));
    err = "";
    expect(await run(["--frobnicate"], io)).toBe(2);
    expect(err).toMatch(/unknown option --frobnicate\nusage: hbxd/);
  });

  it("serves IPC on a 0660 socket, logs human-readable lines, and stops cleanly on SIGTERM", async () => {
    const log = join(root, "good-log");
    const dir = haDir(
      "good",
      `logfile ${log}\nkeepalive 100ms\ndeadtime 1\nudpport ${19000 + (process.pid % 1000)}\nucast lo 127.0.0.44\nnode alpha beta\n`,
    );
    const socket = join(root, "run", "hbxd.sock");
    let stop!: (s: HbxdSignal) => void;
    const done = run(
      [
        "--ha-dir",
        dir,
        "--node",
        "alpha",
        "--state-dir",
        join(root, "state"),
        "--bind",
        "127.0.0.43",
        "--socket",
        socket,
      ],
      { stdout: () => {}, stderr: () => {}, env: {}, onSignal: (cb) => (stop = cb) },
    );
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(socket).mode & 0o777).toBe(0o660);
    const c = await IpcClient.connect(socket);
    expect(await c.request("ping")).toEqual({ pong: true, node: "alpha" });
    c.close();
    stop("SIGTERM");
    expect(await done).toBe(0);
    expect(existsSync(socket)).toBe(false);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    // The heartbeat thread's own notes (its priority) may come first; then the start line.
    const started = lines.find((l) => l.includes("heartbeat started"));
    expect(started).toMatch(
      /^[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d alpha transport: \[\d+\]: info: heartbeat started: node alpha, generation \d+, links lo generation=\d+ links=\["lo"\]$/,
    );
    expect(lines.at(-1)).toMatch(/ hbxd: \[\d+\]: info: hbxd shutting down$/);
  });

  it("formats log lines the way Heartbeat's look, named by the component that wrote them", () => {
    const t = new Date(2024, 10, 2, 3, 4, 5).getTime();
    expect(formatLogLine({ time: t, level: 40, msg: "Late heartbeat" }, "n1", 7)).toBe(
      "Nov 02 03:04:05 n1 hbxd: [7]: WARN: Late heartbeat\n",
    );
    expect(formatLogLine({ time: t, level: 30, msg: "Late heartbeat", component: "ccm" }, "n1", 7)).toBe(
      "Nov 02 03:04:05 n1 ccm: [7]: info: Late heartbeat\n",
    );
  });

  it("keeps every structured field of a record as key=value after the message", () => {
    const t = new Date(2024, 10, 2, 3, 4, 5).getTime();
    const rec = {
      time: t,
      level: 50,
      msg: "operation finished",
      component: "lrm",
      sub: "runner",
      rsc: "vip",
      rc: 7,
      changed: ["deadtime"],
      reason: "not running",
      err: { type: "Error", message: "spawn EACCES", stack: "…" },
    };
    expect(formatLogLine(rec, "n1", 7)).toBe(
      'Nov 02 03:04:05 n1 lrm: [7]: ERROR: operation finished sub=runner rsc=vip rc=7 changed=["deadtime"] reason="not running" err="spawn EACCES"\n',
    );
  });

  it("keeps its pidfile in the state directory unless --pidfile says otherwise", () => {
    expect(parseHbxdArgs(["--state-dir", "/s"], {}).pidfile).toBe("/s/hbxd.pid");
    expect(parseHbxdArgs(["--state-dir", "/s", "--pidfile", "/run/h.pid"], {}).pidfile).toBe("/run/h.pid");
  });

  it("plans a SIGHUP reload: keys and log files live, everything else after a restart", () => {
    const cf = (extra: string) =>
      parseHaCf(`keepalive 1\ndeadtime 10\nucast lo 127.0.0.1\nnode a\n${extra}`, "ha.cf");
    const keys = (k: string) => parseAuthkeys(`auth 1\n1 sha1 ${k}\n`, "authkeys");
    const running = { hacf: cf("logfile /a\n"), authkeys: keys("k") };
    expect(planReload(running, { hacf: cf("logfile /a\n"), authkeys: keys("k") })).toEqual({
      needRestart: [],
    });
    const plan = planReload(running, { hacf: cf("logfile /b\nauto_failback on\n"), authkeys: keys("k2") });
    expect(plan.authkeys?.keys.get(1)).toMatchObject({ key: "k2" });
    expect(plan.logTargets).toEqual({ logfile: "/b", debugfile: undefined });
    expect(plan.needRestart).toEqual(["auto_failback"]);
    const debug = planReload(running, { hacf: cf("logfile /a\ndebugfile /d\n"), authkeys: keys("k") });
    expect(debug).toEqual({ needRestart: ["debugfile"] });
  });

  it("switches the syslog facility live on a SIGHUP, like the log files", () => {
    const cf = (extra: string) =>
      parseHaCf(`keepalive 1\ndeadtime 10\nucast lo 127.0.0.1\nnode a\n${extra}`, "ha.cf");
    const keys = parseAuthkeys("auth 1\n1 sha1 k\n", "authkeys");
    const running = { hacf: cf("logfile /a\nlogfacility local0\n"), authkeys: keys };
    expect(planReload(running, { hacf: cf("logfile /a\nlogfacility daemon\n"), authkeys: keys })).toEqual({
      logTargets: { logfile: "/a", debugfile: undefined, logfacility: "daemon" },
      needRestart: [],
    });
    expect(planReload(running, { hacf: cf("logfile /a\n"), authkeys: keys }).logTargets).toEqual({
      logfile: "/a",
      logfacility: undefined,
    });
  });

  it("takes over a pidfile whose pid is alive but not an hbxd, and refuses one held by a running hbxd", async () => {
    const path = join(root, "lock.pid");
    const sleeper = spawn("sleep", ["30"]);
    try {
      writeFileSync(path, `${sleeper.pid}\n/run/x.sock\n`);
      const lines: string[] = [];
      const log = pino({ level: "info" }, { write: (l: string) => lines.push(JSON.parse(l).msg) });
      const lock = acquirePidfile(path, "/run/mine.sock", log);
      expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n/run/mine.sock\n`);
      expect(lines).toEqual([`stale pidfile ${path} (pid ${sleeper.pid} is not a running hbxd) taken over`]);
      // This process holds it now: a second claim is refused, naming the holder, and changes nothing.
      expect(() => acquirePidfile(path, "/run/other.sock", log)).toThrow(AlreadyRunningError);
      expect(() => acquirePidfile(path, "/run/other.sock", log)).toThrow(
        `hbxd is already running (pid ${process.pid}, socket /run/mine.sock, pidfile ${path}); not starting a second one`,
      );
      // A release removes only a pidfile that is still ours.
      writeFileSync(path, `${sleeper.pid}\n`);
      lock.release();
      expect(existsSync(path)).toBe(true);
    } finally {
      sleeper.kill();
    }
  });
});
