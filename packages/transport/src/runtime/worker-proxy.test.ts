import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { constants, getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseAuthkeys, parseHaCf } from "../config/index.js";
import { HbMessage } from "../codec/index.js";
import { HeartbeatWorker, workerFile } from "./worker-proxy.js";
import { PEER_MEMORY_FILE } from "./peer-memory.js";

// Not node.test.ts's ports: vitest runs test files in parallel.
const PORT = 19000 + (process.pid % 1000) * 2;
const KEEPALIVE_MS = 100;
const authkeys = parseAuthkeys("auth 1\n1 sha1 k3y\n", "authkeys");
const dirs: string[] = [];
const nodes: HeartbeatWorker[] = [];

function makeWorker(name: string, self: string, peer: string, lines: string[] = []): HeartbeatWorker {
  const hacf = parseHaCf(
    [
      `keepalive ${KEEPALIVE_MS}ms`,
      "warntime 400ms",
      "deadtime 600ms",
      "initdead 600ms",
      `udpport ${PORT}`,
      `ucast lo ${peer}`,
      "node n1 n2",
    ].join("\n"),
    "ha.cf",
  );
  const dir = mkdtempSync(join(tmpdir(), "hbx-worker-"));
  dirs.push(dir);
  const n = new HeartbeatWorker({
    hacf,
    authkeys,
    nodeName: name,
    stateDir: dir,
    bindAddress: self,
    logger: pino({ level: "info", base: undefined }, { write: (l: string) => void lines.push(l) }),
  });
  nodes.push(n);
  return n;
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};
const statusOf = (w: HeartbeatWorker, node: string) => w.snapshot().find((n) => n.name === node)?.status;

beforeAll(() => {
  // Run from source, the proxy starts the compiled worker in dist/: build it from this tree.
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const r = spawnSync("npx", ["tsc", "-b", root], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot build @hbx/transport: ${r.stdout}${r.stderr}`);
}, 120_000);

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("HeartbeatWorker: the heartbeat layer on its own thread", () => {
  it("resolves its worker module to a compiled file", () => {
    expect(workerFile()).toMatch(/dist\/runtime\/heartbeat-worker\.js$/);
    expect(statSync(workerFile()).isFile()).toBe(true);
  });

  it("sees its peer active and carries cluster messages, binary fields included, both ways", async () => {
    const linesA: string[] = [];
    const a = makeWorker("n1", "127.0.0.1", "127.0.0.2", linesA);
    const b = makeWorker("n2", "127.0.0.2", "127.0.0.1");
    const got: { t?: string; bin?: string; from: string }[] = [];
    b.on("message", (m, from) =>
      got.push({ t: m.get("t"), bin: m.getBinary("blob")?.toString("hex"), from }),
    );
    const seenByA: string[] = [];
    a.on("node-status", (node, status) => seenByA.push(`${node} ${status}`));
    await a.start();
    await b.start();
    expect(a.generation).toBeGreaterThan(0);
    await until(() => statusOf(b, "n1") === "active" && statusOf(a, "n2") === "active");
    expect(seenByA).toContain("n2 active");
    const m = new HbMessage({ t: "hbx-test" });
    m.setBinary("blob", Buffer.from([0, 1, 2, 254, 255]));
    a.sendCluster(m);
    a.sendCluster(new HbMessage({ t: "hbx-other" }), "n3");
    await until(() => got.length > 0);
    expect(got).toEqual([{ t: "hbx-test", bin: "000102feff", from: "n1" }]);
    // The worker's records reach the parent logger's destination, component and all.
    const started = linesA.map((l) => JSON.parse(l) as { component?: string; msg: string });
    expect(started.find((r) => r.msg.startsWith("heartbeat started"))?.component).toBe("transport");
    // ha.cf's realtime (on by default): the heartbeat thread alone runs at the highest priority.
    const raised = linesA.map((l) => JSON.parse(l) as { tid?: number; msg: string }).find((r) => r.tid);
    if (process.getuid?.() === 0) expect(getPriority(raised!.tid)).toBe(constants.priority.PRIORITY_HIGHEST);
    expect(getPriority()).not.toBe(constants.priority.PRIORITY_HIGHEST);
  });

  it("keeps beating on time while the main thread is blocked longer than deadtime", async () => {
    const a = makeWorker("n1", "127.0.0.1", "127.0.0.2");
    const b = makeWorker("n2", "127.0.0.2", "127.0.0.1");
    const deaths: string[] = [];
    for (const w of [a, b]) w.on("node-status", (node, status) => status === "dead" && deaths.push(node));
    await a.start();
    await b.start();
    await until(() => statusOf(b, "n1") === "active" && statusOf(a, "n2") === "active");
    await a.sendStats(true);
    const start = performance.now();
    while (performance.now() - start < 2000) {
      // the main thread does nothing else for 2 s, more than three times the deadtime
    }
    await new Promise((r) => setTimeout(r, 300));
    const stats = await a.sendStats();
    expect(deaths).toEqual([]);
    expect(stats.sends).toBeGreaterThanOrEqual(18);
    expect(stats.maxIntervalMs).toBeLessThan(KEEPALIVE_MS * 1.2);
  });

  it("remembers its peer's generation and seq in a 0600 file when it stops", async () => {
    const a = makeWorker("n1", "127.0.0.1", "127.0.0.2");
    const b = makeWorker("n2", "127.0.0.2", "127.0.0.1");
    await a.start();
    await b.start();
    await until(() => statusOf(a, "n2") === "active");
    await a.stop();
    const file = join(dirs[0], PEER_MEMORY_FILE);
    const [node, generation, seq] = readFileSync(file, "utf8").trim().split(" ");
    expect(node).toBe("n2");
    expect(Number(generation)).toBe(b.generation);
    expect(Number(seq)).toBeGreaterThan(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("reports the death of its thread as an error, and still stops", async () => {
    // A thread that starts and then throws, as a bug in the heartbeat thread would.
    const dir = mkdtempSync(join(tmpdir(), "hbx-worker-"));
    dirs.push(dir);
    const file = join(dir, "dies.mjs");
    writeFileSync(
      file,
      `import { parentPort } from "node:worker_threads";
parentPort.on("message", (m) => {
  if (m.op !== "start") return;
  parentPort.postMessage({ ev: "started", snapshot: [], links: [] });
  setTimeout(() => { throw new Error("heartbeat thread bug"); }, 50);
});`,
    );
    const w = new HeartbeatWorker({
      hacf: parseHaCf(`udpport ${PORT}\nucast lo 127.0.0.2\nnode n1 n2`, "ha.cf"),
      authkeys,
      nodeName: "n1",
      stateDir: dir,
      logger: pino({ level: "silent" }),
      workerFile: file,
    });
    const failed = new Promise<Error>((resolve) => w.once("error", resolve));
    await w.start();
    expect((await failed).message).toMatch(/heartbeat thread bug/);
    await w.stop();
  });

  it("refuses to start, with the socket error, when its address cannot be bound", async () => {
    const a = makeWorker("n1", "192.0.2.77", "127.0.0.2");
    await expect(a.start()).rejects.toThrow(/EADDRNOTAVAIL|bind/);
  });
});
