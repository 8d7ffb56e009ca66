import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IpcClient, type HeartbeatStatus } from "@hbx/crmd";
import { ensureBuilt, hbxClStatus, HbxdProcess, waitFor, writeHaDir } from "./harness.js";

const NODES = ["n1", "n2", "n3", "n4", "n5"];
const addr = (i: number) => `127.0.0.${i + 1}`;
const DEADTIME_MS = 2000;
const PORT = 24000 + (process.pid % 2000) * 2;
const MCAST_PORT = PORT + 1;
const LINK2 = `lo:${MCAST_PORT}`;

let root: string;
const daemons: HbxdProcess[] = [];

async function status(d: HbxdProcess): Promise<HeartbeatStatus | undefined> {
  try {
    const c = await IpcClient.connect(d.socket, 1000);
    try {
      return await c.request<HeartbeatStatus>("hb.status", undefined, 1000);
    } finally {
      c.close();
    }
  } catch {
    return undefined;
  }
}

async function view(d: HbxdProcess, node: string) {
  return (await status(d))?.nodes.find((n) => n.name === node);
}

describe("five hbxd on loopback with two links each", () => {
  beforeAll(async () => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), "hbx-five-"));
    NODES.forEach((name, i) => {
      const dir = join(root, name);
      const peers = NODES.map((_, j) => j).filter((j) => j !== i);
      writeHaDir(
        join(dir, "ha.d"),
        [
          `logfile ${join(dir, "ha-log")}`,
          "keepalive 200ms",
          "warntime 1",
          `deadtime ${DEADTIME_MS / 1000}`,
          "initdead 4",
          `udpport ${PORT}`,
          // Link 1: unicast to every peer; link 2: multicast over loopback on its own port.
          ...peers.map((j) => `ucast lo ${addr(j)}`),
          `mcast lo 239.192.${(process.pid >> 8) & 0xff}.${process.pid & 0xff} ${MCAST_PORT} 1 1`,
          `node ${NODES.join(" ")}`,
          "",
        ].join("\n"),
        { method: "sha1", key: "five-node-key" },
      );
      daemons.push(new HbxdProcess(dir, name, addr(i)));
    });
    for (const d of daemons) d.start();
    for (const d of daemons) await d.ready();
    await waitFor(
      "every node to see every other node active on both links",
      async () => {
        for (const d of daemons) {
          const st = await status(d);
          if (!st || st.nodes.some((n) => n.status !== "active" || n.links.some((l) => l.status !== "up")))
            return undefined;
        }
        return true;
      },
      15_000,
      200,
    );
  });

  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.kill()));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("keeps a node alive with one link down when that link is cut", async () => {
    const [n1, n2] = daemons;
    const c = await IpcClient.connect(n1.socket);
    await c.request("hb.link-faults", { link: "lo", cut: true });
    c.close();
    await waitFor(
      "n2 to see n1's lo link dead",
      async () =>
        (await view(n2, "n1"))?.links.find((l) => l.name === "lo")?.status === "dead" ? true : undefined,
      DEADTIME_MS + 3000,
      100,
    );
    for (const d of daemons.slice(1)) {
      const n = await view(d, "n1");
      expect(n?.status, `${d.node}'s view of n1`).toBe("active");
      expect(n?.links).toEqual([
        { name: "lo", status: "dead" },
        { name: LINK2, status: "up" },
      ]);
    }
    expect(hbxClStatus(n2.socket, "hblinkstatus", "n1", "lo")).toEqual({ code: 1, out: "dead" });
    expect(hbxClStatus(n2.socket, "hblinkstatus", "n1", LINK2)).toEqual({ code: 0, out: "up" });
    expect(hbxClStatus(n2.socket, "nodestatus", "n1")).toEqual({ code: 0, out: "active" });
    const c2 = await IpcClient.connect(n1.socket);
    await c2.request("hb.link-faults", { link: "lo", cut: false });
    c2.close();
    await waitFor(
      "n2 to see n1's lo link up again",
      async () => ((await view(n2, "n1"))?.links.every((l) => l.status === "up") ? true : undefined),
      5000,
      100,
    );
  });

  it("agrees on all four survivors that a kill -9'd node is dead within deadtime + 1 s", async () => {
    const victim = daemons[4];
    const survivors = daemons.slice(0, 4);
    const killedAt = Date.now();
    await victim.kill("SIGKILL");
    const seen = await Promise.all(
      survivors.map(async (d) => {
        await waitFor(
          `${d.node} to see n5 dead`,
          async () => ((await view(d, "n5"))?.status === "dead" ? true : undefined),
          DEADTIME_MS + 3000,
          20,
        );
        return Date.now() - killedAt;
      }),
    );
    process.stdout.write(
      `five nodes: n5 killed -9, survivors reported it dead after ${seen.join(", ")} ms (deadtime ${DEADTIME_MS} ms)\n`,
    );
    for (const ms of seen) expect(ms).toBeLessThanOrEqual(DEADTIME_MS + 1000);
    for (const d of survivors) {
      expect(hbxClStatus(d.socket, "nodestatus", "n5")).toEqual({ code: 1, out: "dead" });
      expect(hbxClStatus(d.socket, "nodestatus", d.node === "n1" ? "n2" : "n1")).toEqual({
        code: 0,
        out: "active",
      });
    }
    expect(survivors[0].log()).toMatch(/node n5: is dead/);
  });
});
