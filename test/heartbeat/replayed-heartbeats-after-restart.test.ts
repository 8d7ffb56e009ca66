import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IpcClient, type HeartbeatStatus } from "@hbx/crmd";
import { ensureBuilt, HbxdProcess, sleep, waitFor, writeHaDir } from "./harness.js";

/**
 * Heartbeats captured from n1, replayed to n2 after n1 died and n2 restarted: n2 remembers the
 * last generation and seq it accepted from n1 (STATE_DIR/hb_peers), so the replay does not make
 * n1 look alive. The same replay with that file removed does, which is what Heartbeat 3.0.6
 * (peer generations in memory only) and hbx before the file let through.
 */
const PORT = 27000 + (process.pid % 2000) * 2;
/** Not a node: n1 also sends its heartbeats here (ucast), where the test captures them. */
const TAP = "127.0.0.9";
const REPLAY_MS = 3000;

let root: string;
let n1: HbxdProcess;
let n2: HbxdProcess;
const captured: Buffer[] = [];
let tap: Socket;

async function n1AsSeenBy(d: HbxdProcess): Promise<string | undefined> {
  try {
    const c = await IpcClient.connect(d.socket, 1000);
    try {
      const st = await c.request<HeartbeatStatus>("hb.status", undefined, 1000);
      return st.nodes.find((n) => n.name === "n1")?.status;
    } finally {
      c.close();
    }
  } catch {
    return undefined;
  }
}

/** Send the captured packets to n2 in their order, a keepalive apart, for `ms`; n1's states seen. */
async function replayTo(ms: number): Promise<Set<string | undefined>> {
  const out = createSocket("udp4");
  const seen = new Set<string | undefined>();
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    out.send(captured[i % captured.length], PORT, "127.0.0.2");
    await sleep(100);
    seen.add(await n1AsSeenBy(n2));
  }
  out.close();
  return seen;
}

function haCf(dir: string, peers: string[]): string {
  return [
    `logfile ${join(dir, "ha-log")}`,
    "keepalive 200ms",
    "warntime 500ms",
    "deadtime 1",
    "initdead 2",
    `udpport ${PORT}`,
    ...peers.map((p) => `ucast lo ${p}`),
    "node n1 n2",
    "crm off",
    "",
  ].join("\n");
}

describe("heartbeats replayed to a restarted node", () => {
  beforeAll(async () => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), "hbx-replay-"));
    const auth = { method: "sha1" as const, key: "replay-key" };
    writeHaDir(join(root, "n1", "ha.d"), haCf(join(root, "n1"), ["127.0.0.2", TAP]), auth);
    writeHaDir(join(root, "n2", "ha.d"), haCf(join(root, "n2"), ["127.0.0.1"]), auth);
    tap = createSocket({ type: "udp4", reuseAddr: true });
    tap.on("message", (pkt) => captured.push(pkt));
    await new Promise<void>((r) => tap.bind(PORT, TAP, r));
    n1 = new HbxdProcess(join(root, "n1"), "n1", "127.0.0.1");
    n2 = new HbxdProcess(join(root, "n2"), "n2", "127.0.0.2");
    n1.start();
    n2.start();
    await n1.ready();
    await n2.ready();
    await waitFor(
      "n2 to see n1 active",
      async () => (await n1AsSeenBy(n2)) === "active" || undefined,
      10_000,
    );
    // Two seconds of n1's life on the wire, then n1 dies and n2 notices.
    await sleep(2000);
    await n1.kill();
    tap.close();
    await waitFor("n2 to declare n1 dead", async () => (await n1AsSeenBy(n2)) === "dead" || undefined, 5000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([n1, n2].map((d) => d?.kill()));
    if (root && !process.env.HBX_KEEP_TEST_DIR) rmSync(root, { recursive: true, force: true });
  });

  it("never make the dead node active, however long the replay lasts", async () => {
    expect(captured.length).toBeGreaterThanOrEqual(8);
    const peers = join(root, "n2", "state", "hb_peers");
    expect(statSync(peers).mode & 0o777).toBe(0o600);
    await n2.kill();
    n2.start();
    await n2.ready();
    const seen = await replayTo(REPLAY_MS);
    expect(seen.has("active")).toBe(false);
    expect(n2.log()).toMatch(
      /dropped packet from .* \(node n1\): replay: seq \d+ of generation \d+ was accepted before restart/,
    );
  }, 30_000);

  it("did make it active before, when the restarted node forgot what it had accepted", async () => {
    await n2.kill();
    unlinkSync(join(root, "n2", "state", "hb_peers"));
    n2.start();
    await n2.ready();
    const seen = await replayTo(REPLAY_MS);
    expect(seen.has("active")).toBe(true);
  }, 30_000);
});
