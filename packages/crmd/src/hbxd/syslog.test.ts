import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { daemonLogger } from "./logging.js";
import { type HbxdSignal, run } from "./run.js";
import { syslogPriority } from "./syslog.js";

// Node cannot open a unix datagram socket, so the stand-in for /dev/log is a few lines of
// Python, which Debian's fence-agents and resource-agents pull in anyway.
const PYTHON = "/usr/bin/python3";
const haveLogger = ["/usr/bin/logger", "/bin/logger"].some((p) => existsSync(p));
const canRun = existsSync(PYTHON) && haveLogger;

const root = mkdtempSync(join(tmpdir(), "hbx-syslog-"));
const receivers: ChildProcess[] = [];
afterAll(() => {
  for (const r of receivers) r.kill();
  rmSync(root, { recursive: true, force: true });
});

/** A unix datagram socket bound at a temporary path; every datagram it gets, as text. */
async function syslogSocket(): Promise<{
  path: string;
  received: string[];
  next(n: number): Promise<string[]>;
}> {
  const path = join(root, `log-${receivers.length}`);
  const py = spawn(
    PYTHON,
    [
      "-u",
      "-c",
      "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint('ready')\nwhile True:\n  print(s.recv(65536).decode().replace('\\n','\\\\n'))",
      path,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  receivers.push(py);
  const lines: string[] = [];
  let wake = () => {};
  let buf = "";
  py.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
    wake();
  });
  const waitFor = async (n: number, ms = 5000) => {
    const until = Date.now() + ms;
    while (lines.length < n && Date.now() < until)
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    return lines.slice(0, n);
  };
  expect(await waitFor(1)).toEqual(["ready"]);
  lines.shift();
  return { path, received: lines, next: waitFor };
}

describe("syslog (ha.cf logfacility)", () => {
  it("computes RFC 3164 priorities from the facility and the pino level", () => {
    expect(syslogPriority("local0", 30)).toBe(16 * 8 + 6);
    expect(syslogPriority("daemon", 50)).toBe(3 * 8 + 3);
    expect(syslogPriority("local7", 20)).toBe(23 * 8 + 7);
    expect(syslogPriority("none", 30)).toBeUndefined();
  });

  it.skipIf(!canRun)(
    "sends info and above to the syslog socket as RFC 3164 lines with the component and fields (skipped without python3 and logger)",
    async () => {
      const sock = await syslogSocket();
      let stderr = "";
      const log = daemonLogger({
        targets: { logfacility: "local0" },
        node: "n1",
        syslogSocket: sock.path,
        stderr: (s) => (stderr += s),
      });
      log.child({ component: "crmd" }).warn({ rsc: "vip", rc: 7 }, "resource failed");
      log.debug("not for syslog");
      log.child({ component: "ccm" }).info({ members: ["a", "b"] }, "membership changed");
      const got = await sock.next(2);
      expect(got).toHaveLength(2);
      expect(got[0]).toMatch(
        new RegExp(
          `^<132>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d hbxd\\[${process.pid}\\]: crmd: resource failed rsc=vip rc=7$`,
        ),
      );
      expect(got[1]).toMatch(/^<134>.* hbxd\[\d+\]: ccm: membership changed members=\["a","b"\]$/);
      // With syslog on and no log file, nothing is doubled on stderr.
      expect(stderr).toBe("");
      await new Promise((r) => setTimeout(r, 300));
      expect(sock.received.some((l) => l.includes("not for syslog"))).toBe(false);
    },
  );

  it.skipIf(!canRun)(
    "switches facility when a reload changes logfacility, and stops at none (skipped without python3 and logger)",
    async () => {
      const sock = await syslogSocket();
      const targets: { logfacility?: string } = { logfacility: "daemon" };
      const log = daemonLogger({ targets, node: "n1", syslogSocket: sock.path, stderr: () => {} });
      log.error("first");
      expect((await sock.next(1))[0]).toMatch(/^<27>.*: hbxd: first$/);
      targets.logfacility = "local3";
      log.info("second");
      expect((await sock.next(2))[1]).toMatch(/^<158>.*: hbxd: second$/);
      targets.logfacility = "none";
      log.error("third");
      await new Promise((r) => setTimeout(r, 300));
      expect(sock.received).toHaveLength(2);
    },
  );

  it.skipIf(!canRun)(
    "hbxd with `logfacility local0` in ha.cf logs its start and stop to syslog, not to stderr (skipped without python3 and logger)",
    async () => {
      const sock = await syslogSocket();
      const dir = join(root, "ha.d");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "ha.cf"),
        `logfacility local0\nkeepalive 100ms\ndeadtime 1\nudpport ${21000 + (process.pid % 1000)}\nucast lo 127.0.0.46\nnode alpha beta\n`,
      );
      writeFileSync(join(dir, "authkeys"), "auth 2\n2 sha1 k\n", { mode: 0o600 });
      const socket = join(root, "hbxd.sock");
      let stop!: (s: HbxdSignal) => void;
      let stderr = "";
      const was = process.env.HBX_SYSLOG_SOCKET;
      process.env.HBX_SYSLOG_SOCKET = sock.path;
      try {
        const done = run(
          [
            "--ha-dir",
            dir,
            "--node",
            "alpha",
            "--state-dir",
            join(root, "state"),
            "--bind",
            "127.0.0.45",
            "--socket",
            socket,
          ],
          { stdout: () => {}, stderr: (t) => (stderr += t), env: {}, onSignal: (cb) => (stop = cb) },
        );
        const started = async () => {
          for (let i = 0; i < 100 && !sock.received.some((l) => l.includes("hbxd started")); i++)
            await new Promise((r) => setTimeout(r, 50));
        };
        await started();
        stop("SIGTERM");
        expect(await done).toBe(0);
        for (let i = 0; i < 40 && !sock.received.some((l) => l.includes("shutting down")); i++)
          await new Promise((r) => setTimeout(r, 50));
      } finally {
        if (was === undefined) delete process.env.HBX_SYSLOG_SOCKET;
        else process.env.HBX_SYSLOG_SOCKET = was;
      }
      expect(sock.received).toContainEqual(
        expect.stringMatching(/^<134>.* hbxd\[\d+\]: hbxd: hbxd started on node alpha node=alpha$/),
      );
      expect(sock.received).toContainEqual(
        expect.stringMatching(/^<134>.* hbxd\[\d+\]: transport: heartbeat started: node alpha/),
      );
      expect(sock.received).toContainEqual(expect.stringMatching(/^<134>.*: hbxd: hbxd shutting down$/));
      expect(stderr).toBe("");
    },
    20_000,
  );
});
