/**
 * hbxd as an administrator runs it: real processes from packages/crmd/bin/hbxd.js, one per
 * node, a closed state directory, a pidfile, signals.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "@hbx/cib";
import { IpcClient } from "@hbx/crmd";
import { ensureBuilt, sleep, waitFor } from "../crm/cluster.js";

const HBXD = join(repoRoot, "packages/crmd/bin/hbxd.js");
const root = mkdtempSync(join(tmpdir(), "hbxd-daemon-"));
const port = 21000 + (process.pid % 9000);
const children: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

interface Node {
  dir: string;
  haDir: string;
  stateDir: string;
  socket: string;
  logfile: string;
}

function node(name: string, crm = "on"): Node {
  const dir = join(root, name);
  const haDir = join(dir, "ha.d");
  mkdirSync(haDir, { recursive: true });
  const n = {
    dir,
    haDir,
    stateDir: join(dir, "state"),
    socket: join(dir, "hbxd.sock"),
    logfile: join(dir, "ha-log"),
  };
  writeFileSync(
    join(haDir, "ha.cf"),
    `logfile ${n.logfile}\nkeepalive 200ms\ndeadtime 2\nudpport ${port}\nucast lo 127.0.0.99\nnode alpha\ncrm ${crm}\n`,
  );
  writeFileSync(join(haDir, "authkeys"), "auth 1\n1 sha1 first-key\n", { mode: 0o600 });
  return n;
}

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function hbxd(args: string[]): Run {
  const child = spawn(process.execPath, [HBXD, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    // Enables test.block-main-thread, to hold the daemon busy while signals arrive.
    env: { ...process.env, HBX_TEST_HOOKS: "1" },
  });
  children.push(child);
  const r: Run = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on("data", (d: Buffer) => (r.stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (r.stderr += d.toString()));
  return r;
}

function args(n: Node, extra: string[] = []): string[] {
  return [
    "--ha-dir",
    n.haDir,
    "--node",
    "alpha",
    "--state-dir",
    n.stateDir,
    "--bind",
    "127.0.0.98",
    "--socket",
    n.socket,
    ...extra,
  ];
}

async function ping(socket: string): Promise<unknown> {
  const c = await IpcClient.connect(socket, 1000);
  try {
    return await c.request("ping", {}, 3000);
  } finally {
    c.close();
  }
}

const answers = (socket: string) => waitFor(`hbxd on ${socket}`, () => ping(socket), 15_000);
const logOf = (n: Node) => (existsSync(n.logfile) ? readFileSync(n.logfile, "utf8") : "");

function groupId(name: string): number | undefined {
  const r = spawnSync("getent", ["group", name], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.split(":")[2]) : undefined;
}

/** Every file and directory below `dir`, with its permission bits. */
function modes(dir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    out.push([p.slice(dir.length + 1), (statSync(p).mode & 0o777).toString(8)]);
  }
  return out.sort();
}

describe("hbxd as a daemon", () => {
  it("answers --help with its usage and --version with its package version, exit 0", async () => {
    const help = hbxd(["--help"]);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}hbxd \[OPTION\?\]\n/);
    expect(help.stdout).toMatch(/--socket-group=NAME/);
    expect(help.stdout).toMatch(/--pidfile=PATH/);
    const version = hbxd(["--version"]);
    expect((await version.exited).code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(repoRoot, "packages/crmd/package.json"), "utf8")) as {
      version: string;
    };
    expect(version.stdout.split("\n")[0]).toBe(`hbxd ${pkg.version}`);
  }, 30_000);

  it("keeps its state directory 0750 and every file in it 0600, and gives the socket the haclient group", async () => {
    const n = node("closed");
    // An existing, looser state directory is tightened.
    mkdirSync(n.stateDir, { mode: 0o755 });
    chmodSync(n.stateDir, 0o755);
    const d = hbxd(args(n));
    await answers(n.socket);
    // A write through the store, so SQLite's -wal has content.
    const c = await IpcClient.connect(n.socket, 1000);
    await c.request("ping");
    c.close();
    const found = modes(n.stateDir);
    expect(found.map(([p]) => p)).toEqual(
      expect.arrayContaining([
        "cib",
        "cib/cib.db",
        "cib/cib.db-wal",
        "cib/cib.db-shm",
        "cib/cib.xml",
        "hbxd.pid",
      ]),
    );
    expect((statSync(n.stateDir).mode & 0o777).toString(8)).toBe("750");
    for (const [p, m] of found) {
      const isDir = statSync(join(n.stateDir, p)).isDirectory();
      expect([p, m]).toEqual([p, isDir ? "750" : "600"]);
    }
    expect(statSync(n.socket).mode & 0o777).toBe(0o660);
    const haclient = groupId("haclient");
    expect(statSync(n.socket).gid).toBe(haclient ?? process.getgid!());
    d.child.kill("SIGTERM");
    expect([(await d.exited).code, d.stderr]).toEqual([0, ""]);
  }, 40_000);

  const asRoot = process.getuid?.() === 0;
  it.skipIf(!asRoot)(
    "gives the socket the group named by --socket-group (needs root for groupadd)",
    async () => {
      const group = `hbxtest${process.pid % 100000}`;
      expect(spawnSync("groupadd", [group]).status).toBe(0);
      try {
        const n = node("group", "off");
        const d = hbxd(args(n, ["--socket-group", group]));
        await answers(n.socket);
        const gid = groupId(group)!;
        expect(statSync(n.socket).gid).toBe(gid);
        // A user in that group reaches the daemon without root; the same user outside it does not.
        chmodSync(root, 0o711);
        chmodSync(n.dir, 0o711);
        const tryConnect = (asGid: number) =>
          spawnSync(
            process.execPath,
            [
              "-e",
              `require("net").connect(${JSON.stringify(n.socket)}).on("connect", () => { console.log("connected"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(1); })`,
            ],
            { uid: 65534, gid: asGid, encoding: "utf8" },
          ).stdout.trim();
        expect(tryConnect(gid)).toBe("connected");
        expect(tryConnect(65534)).toBe("EACCES");
        d.child.kill("SIGTERM");
        expect((await d.exited).code).toBe(0);
        const bad = hbxd(args(node("nogroup", "off"), ["--socket-group", "no-such-group-hbx"]));
        expect((await bad.exited).code).toBe(1);
        expect(bad.stderr).toBe("hbxd: --socket-group no-such-group-hbx: no such group\n");
      } finally {
        spawnSync("groupdel", [group]);
      }
    },
    30_000,
  );

  it.skipIf(!asRoot)(
    "keeps the socket in its own group when run by a user outside haclient, rather than failing (needs root to switch user)",
    async () => {
      const n = node("nobody", "off");
      mkdirSync(n.stateDir);
      for (const p of [n.dir, n.haDir, n.stateDir, join(n.haDir, "ha.cf"), join(n.haDir, "authkeys")])
        chownSync(p, 65534, 65534);
      chmodSync(root, 0o711);
      const child = spawn(process.execPath, [HBXD, ...args(n)], { uid: 65534, gid: 65534, stdio: "ignore" });
      children.push(child);
      await answers(n.socket);
      expect(statSync(n.socket).gid).toBe(65534);
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
    30_000,
  );

  it("refuses a second hbxd on the same socket or state directory, naming the running one, and leaves it serving", async () => {
    const n = node("first");
    const first = hbxd(args(n));
    await answers(n.socket);
    const pid = first.child.pid!;
    const ino = statSync(n.socket).ino;

    // Same socket, another state directory.
    const other = node("second");
    const sameSocket = hbxd(args({ ...other, socket: n.socket }));
    expect((await sameSocket.exited).code).toBe(1);
    expect(sameSocket.stderr).toBe(
      `hbxd: hbxd is already running (pid ${pid}, node alpha, socket ${n.socket}); not starting a second one\n`,
    );
    // Same state directory, another socket.
    const sameState = hbxd(args({ ...n, socket: join(other.dir, "other.sock") }));
    expect((await sameState.exited).code).toBe(1);
    expect(sameState.stderr).toBe(
      `hbxd: hbxd is already running (pid ${pid}, socket ${n.socket}, pidfile ${join(n.stateDir, "hbxd.pid")}); not starting a second one\n`,
    );
    expect(existsSync(join(other.dir, "other.sock"))).toBe(false);

    expect(statSync(n.socket).ino).toBe(ino);
    expect(await ping(n.socket)).toEqual({ pong: true, node: "alpha" });
    expect(readFileSync(join(n.stateDir, "hbxd.pid"), "utf8").split("\n")[0]).toBe(String(pid));

    // kill -9 leaves a stale pidfile and socket: the next hbxd takes both over, with a log line.
    first.child.kill("SIGKILL");
    await first.exited;
    const again = hbxd(args(n));
    await answers(n.socket);
    expect(logOf(n)).toMatch(
      new RegExp(`stale pidfile .*hbxd.pid \\(pid ${pid} is not a running hbxd\\) taken over`),
    );
    expect(readFileSync(join(n.stateDir, "hbxd.pid"), "utf8").split("\n")[0]).toBe(String(again.child.pid));

    // A clean stop removes what this daemon made, and only that.
    again.child.kill("SIGTERM");
    expect([(await again.exited).code, again.stderr]).toEqual([0, ""]);
    expect(existsSync(n.socket)).toBe(false);
    expect(existsSync(join(n.stateDir, "hbxd.pid"))).toBe(false);
  }, 60_000);

  it("survives SIGHUP: applies new authkeys, keeps the running ha.cf where a change needs a restart", async () => {
    const n = node("hup", "off");
    const d = hbxd(args(n));
    await answers(n.socket);
    writeFileSync(join(n.haDir, "authkeys"), "auth 2\n2 sha1 second-key\n", { mode: 0o600 });
    writeFileSync(
      join(n.haDir, "ha.cf"),
      readFileSync(join(n.haDir, "ha.cf"), "utf8").replace("keepalive 200ms", "keepalive 300ms"),
    );
    d.child.kill("SIGHUP");
    await waitFor(
      "the reload in the log",
      async () => (/running config kept/.test(logOf(n)) ? true : undefined),
      5000,
    );
    // Each line keeps its structured fields after the message.
    expect(logOf(n)).toMatch(
      /info: authkeys reloaded: signing with key 2 file=\S+\/authkeys activeIndex=2\n/,
    );
    expect(logOf(n)).toMatch(
      /WARN: ha.cf: keepalive changed; needs a restart, running config kept changed=\["keepalive"\]\n/,
    );
    expect(d.child.exitCode).toBe(null);
    expect(await ping(n.socket)).toEqual({ pong: true, node: "alpha" });

    // A broken file is refused whole: the daemon keeps running on what it has.
    writeFileSync(join(n.haDir, "ha.cf"), "keepalive soon\n");
    d.child.kill("SIGHUP");
    await waitFor(
      "the refusal in the log",
      async () => (/reload refused/.test(logOf(n)) ? true : undefined),
      5000,
    );
    expect(logOf(n)).toMatch(/ERROR: reload refused: .*ha.cf:1.*; running config kept err=".*ha.cf:1.*"\n/);
    expect(await ping(n.socket)).toEqual({ pong: true, node: "alpha" });

    // A second SIGTERM while stopping is noted, not fatal. Both arrive while the main thread is
    // held busy (a test hook), so the second is certain to come before the stop is over.
    const blocker = await IpcClient.connect(n.socket, 1000);
    const blocked = blocker.request("test.block-main-thread", { ms: 1000 }, 5000).catch(() => undefined);
    await sleep(200);
    d.child.kill("SIGTERM");
    await sleep(200);
    d.child.kill("SIGTERM");
    await blocked;
    blocker.close();
    const { code, signal } = await d.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(logOf(n)).toMatch(/WARN: received SIGTERM: already stopping signal=SIGTERM\n/);
  }, 40_000);

  it("signs and verifies with the new authkeys after a SIGHUP, as a peer sees", async () => {
    const status = async (socket: string, peer: string) => {
      const c = await IpcClient.connect(socket, 1000);
      try {
        const st = await c.request<{ nodes: { name: string; status: string }[] }>("hb.status");
        return st.nodes.find((x) => x.name === peer)?.status;
      } finally {
        c.close();
      }
    };
    const nodes = ["alpha", "beta"].map((name, i) => {
      const n = node(`keys-${name}`, "off");
      const me = `127.0.0.${61 + i}`;
      const peer = `127.0.0.${62 - i}`;
      writeFileSync(
        join(n.haDir, "ha.cf"),
        `logfile ${n.logfile}\nkeepalive 200ms\ndeadtime 2\nudpport ${port + 1}\nucast lo ${peer}\nnode alpha beta\n`,
      );
      const d = hbxd([
        ...args(n).slice(0, 2),
        "--node",
        name,
        "--state-dir",
        n.stateDir,
        "--bind",
        me,
        "--socket",
        n.socket,
      ]);
      return { n, d, name };
    });
    const [a, b] = nodes;
    const sees = (x: typeof a, y: typeof a, want: string) =>
      waitFor(
        `${x.name} sees ${y.name} ${want}`,
        async () => ((await status(x.n.socket, y.name)) === want ? true : undefined),
        10_000,
      );
    await sees(a, b, "active");
    await sees(b, a, "active");
    // Only alpha takes a new key: from then on the two cannot verify each other's heartbeats.
    writeFileSync(join(a.n.haDir, "authkeys"), "auth 3\n3 sha1 rotated-key\n", { mode: 0o600 });
    a.d.child.kill("SIGHUP");
    await sees(b, a, "dead");
    await sees(a, b, "dead");
    // beta takes the same key: both come back without a restart.
    writeFileSync(join(b.n.haDir, "authkeys"), "auth 3\n3 sha1 rotated-key\n", { mode: 0o600 });
    b.d.child.kill("SIGHUP");
    await sees(b, a, "active");
    await sees(a, b, "active");
    for (const x of nodes) {
      expect(x.d.child.exitCode).toBe(null);
      x.d.child.kill("SIGTERM");
      expect((await x.d.exited).code).toBe(0);
    }
  }, 60_000);
});
