/**
 * A peer that holds the cluster key sends junk bus frames to a real hbxd in CRM mode: every frame
 * passes the transport's authentication and reaches the bus, which must drop it without writing
 * a log line for each.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import type * as Pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "@hbx/cib";
import { HbMessage, HeartbeatNode, parseAuthkeys, parseHaCf } from "@hbx/transport";
import { ensureBuilt, sleep, waitFor } from "../crm/cluster.js";

const HBXD = join(repoRoot, "packages/crmd/bin/hbxd.js");
// pino is the transport's dependency, not the top level's: load the transport's own copy.
const { pino } = createRequire(join(repoRoot, "packages/transport/package.json"))("pino") as typeof Pino;
const root = mkdtempSync(join(tmpdir(), "hbxd-junk-"));
const port = 21500 + (process.pid % 9000);
let daemon: ChildProcess | undefined;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  daemon?.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

const haCf = (peer: string, logfile: string) =>
  `logfile ${logfile}\nkeepalive 200ms\ndeadtime 2\nudpport ${port}\nucast lo ${peer}\nnode alpha beta\ncrm on\n`;
const KEYS = "auth 1\n1 sha1 the-right-key\n";

it("logs a few lines and a count, not a line per frame, for 3,000 authenticated junk bus frames", async () => {
  const haDir = join(root, "ha.d");
  const logfile = join(root, "ha-log");
  const socket = join(root, "hbxd.sock");
  mkdirSync(haDir);
  writeFileSync(join(haDir, "ha.cf"), haCf("127.0.0.72", logfile));
  writeFileSync(join(haDir, "authkeys"), KEYS, { mode: 0o600 });
  daemon = spawn(
    process.execPath,
    [
      HBXD,
      "--ha-dir",
      haDir,
      "--node",
      "alpha",
      "--state-dir",
      join(root, "state"),
      "--bind",
      "127.0.0.71",
      "--socket",
      socket,
    ],
    { stdio: "ignore" },
  );
  await waitFor("hbxd's socket", async () => (existsSync(socket) ? true : undefined), 15_000);

  // The sender is a heartbeat node of its own, "beta", with the right key.
  const beta = new HeartbeatNode({
    hacf: parseHaCf(haCf("127.0.0.71", join(root, "beta-log")), "beta-ha.cf"),
    authkeys: parseAuthkeys(KEYS, "beta-authkeys"),
    nodeName: "beta",
    stateDir: join(root, "beta-state"),
    bindAddress: "127.0.0.72",
    logger: pino({ level: "silent" }),
  });
  await beta.start();
  try {
    await waitFor(
      "alpha and beta to see each other",
      async () => (beta.snapshot().find((n) => n.name === "alpha")?.status === "active" ? true : undefined),
      10_000,
    );
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 3000; i++) {
      const junk = Buffer.from(
        Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)),
      );
      beta.sendCluster(new HbMessage({ t: "hbx-bus" }).setBinary("bus", junk), "alpha");
      if (i % 100 === 99) await sleep(5);
    }
    await sleep(1000);
  } finally {
    await beta.stop();
  }
  const lines = readFileSync(logfile, "utf8")
    .split("\n")
    .filter((l) => /bad bus frame dropped|bus message rejected/.test(l));
  console.log(`3000 junk bus frames from beta: ${lines.length} bus log lines`);
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.length).toBeLessThanOrEqual(2 * 3 + 2);
  // Still up after the burst; how it stops is another test's concern.
  expect(daemon.exitCode).toBe(null);
  daemon.kill("SIGKILL");
  await new Promise((r) => daemon!.once("exit", r));
}, 60_000);
