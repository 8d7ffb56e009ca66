import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IpcClient, type HeartbeatStatus } from "@hbx/crmd";
import {
  ensureBuilt,
  hbxClStatus,
  HbxdProcess,
  RealHeartbeat,
  realHeartbeatUnavailable,
  waitFor,
  writeHaDir,
  type AuthSpec,
} from "./harness.js";

const unavailable = realHeartbeatUnavailable();
const KEEPALIVE = "500ms";
const DEADTIME_MS = 2000;
// Non-default and distinct per run so parallel runs and a stray daemon cannot interfere.
const PORT_BASE = 20000 + (process.pid % 2000) * 4;

function haCf(dir: string, peer: string, port: number): string {
  return [
    `logfile ${join(dir, "ha-log")}`,
    `keepalive ${KEEPALIVE}`,
    "warntime 1",
    `deadtime ${DEADTIME_MS / 1000}`,
    "initdead 4",
    `udpport ${port}`,
    `ucast lo ${peer}`,
    "auto_failback off",
    "node realnode",
    "node hbxnode",
    "",
  ].join("\n");
}

let root: string;
let real: RealHeartbeat | undefined;
let hbx: HbxdProcess | undefined;

async function hbxStatusOf(socket: string, node: string): Promise<string | undefined> {
  try {
    const c = await IpcClient.connect(socket, 1000);
    try {
      const st = await c.request<HeartbeatStatus>("hb.status");
      return st.nodes.find((n) => n.name === node)?.status;
    } finally {
      c.close();
    }
  } catch {
    return undefined;
  }
}

async function pair(name: string, port: number, realAuth: AuthSpec, hbxAuth: AuthSpec) {
  const dir = join(root, name);
  real = new RealHeartbeat(join(dir, "real"), "realnode");
  writeHaDir(join(dir, "real", "etc"), haCf(join(dir, "real"), "127.0.0.2", port), realAuth);
  hbx = new HbxdProcess(join(dir, "hbx"), "hbxnode", "127.0.0.2");
  writeHaDir(join(dir, "hbx", "ha.d"), haCf(join(dir, "hbx"), "127.0.0.1", port), hbxAuth);
  real.start();
  hbx.start();
  await hbx.ready();
  return { real, hbx };
}

describe.skipIf(unavailable !== undefined)(
  `interop with the real Heartbeat 3.0.6 daemon${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    beforeAll(() => {
      ensureBuilt();
      root = mkdtempSync(join(tmpdir(), "hbx-interop-"));
    });
    afterEach(async () => {
      await hbx?.kill();
      await real?.kill(true);
      hbx = undefined;
      real = undefined;
    });
    afterAll(() => {
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const methods: [string, AuthSpec][] = [
      ["sha1", { method: "sha1", key: "s3cr3t-sha1" }],
      ["md5", { method: "md5", key: "s3cr3t-md5" }],
      ["crc", { method: "crc" }],
    ];
    methods.forEach(([method, auth], i) => {
      it(`with ${method}: each sees the other active, hbx sees the real daemon die within deadtime + 1 s and come back`, async () => {
        const { real, hbx } = await pair(method, PORT_BASE + i, auth, auth);
        await waitFor(
          "hbx to see realnode active",
          () => hbxClStatus(hbx.socket, "nodestatus", "realnode").out === "active" || undefined,
          20_000,
          250,
        );
        // Heartbeat opens its API only once its peers answered its node-list request.
        await waitFor(
          "Heartbeat to see hbxnode active",
          () => real.clStatus("nodestatus", "hbxnode").out === "active" || undefined,
          30_000,
          500,
        );
        expect(real.clStatus("hblinkstatus", "hbxnode", "lo")).toEqual({ code: 0, out: "up" });
        expect(real.clStatus("listnodes").out.split("\n").sort()).toEqual(["hbxnode", "realnode"]);
        expect(hbxClStatus(hbx.socket, "hblinkstatus", "realnode", "lo")).toEqual({ code: 0, out: "up" });

        const killedAt = Date.now();
        await real.kill();
        await waitFor(
          "hbx to see realnode dead",
          async () => ((await hbxStatusOf(hbx.socket, "realnode")) === "dead" ? true : undefined),
          DEADTIME_MS + 3000,
          20,
        );
        const detectMs = Date.now() - killedAt;
        process.stdout.write(
          `interop ${method}: real daemon killed, hbx reported dead after ${detectMs} ms (deadtime ${DEADTIME_MS} ms)\n`,
        );
        expect(detectMs).toBeLessThanOrEqual(DEADTIME_MS + 1000);
        expect(hbxClStatus(hbx.socket, "nodestatus", "realnode")).toEqual({ code: 1, out: "dead" });

        real.restart();
        await waitFor(
          "hbx to see realnode active again",
          () => hbxClStatus(hbx.socket, "nodestatus", "realnode").out === "active" || undefined,
          20_000,
          250,
        );
        expect(hbx.log()).toMatch(/node realnode restarted: generation \d+ -> \d+/);
      });
    });

    it("with a wrong key neither sees the other, and both log why", async () => {
      const { real, hbx } = await pair(
        "wrongkey",
        PORT_BASE + 3,
        { method: "sha1", key: "the-right-key" },
        { method: "sha1", key: "a-wrong-key" },
      );
      await waitFor(
        "hbx to give up on realnode",
        () => hbxClStatus(hbx.socket, "nodestatus", "realnode").out === "dead" || undefined,
        15_000,
        250,
      );
      await waitFor(
        "Heartbeat to declare hbxnode dead",
        () => real.clStatus("nodestatus", "hbxnode").out === "dead" || undefined,
        30_000,
        500,
      );
      expect(hbx.log()).toMatch(/dropped packet from 127\.0\.0\.1:\d+ \(node realnode\): bad-auth/);
      expect(real.log()).toMatch(/authentication failed/);
    });
  },
);
