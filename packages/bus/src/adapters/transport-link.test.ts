import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  HeartbeatNode,
  HeartbeatWorker,
  parseAuthkeys,
  parseHaCf,
  type HeartbeatTransport,
} from "@hbx/transport";
import { Bus, BusSendError } from "../bus.js";
import { createTransportLink, followLiveness, TRANSPORT_BUS_CONFIG } from "./transport-link.js";

const PORT = 18000 + (process.pid % 1000) * 2;
const silent = pino({ level: "silent" });
const authkeys = parseAuthkeys("auth 1\n1 sha1 bus-key\n", "authkeys");
const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];

/** The heartbeat layer in the test's own thread (as unit tests use it) or on its own (as hbxd does). */
const PLACES = {
  "in the calling thread": HeartbeatNode,
  "on its own thread": HeartbeatWorker,
} as const;

beforeAll(() => {
  // HeartbeatWorker starts the compiled worker module of @hbx/transport: build it from this tree.
  const transport = fileURLToPath(new URL("../../../transport", import.meta.url));
  const r = spawnSync("npx", ["tsc", "-b", transport], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot build @hbx/transport: ${r.stdout}${r.stderr}`);
}, 120_000);

async function node(
  place: keyof typeof PLACES,
  name: string,
  self: string,
  peer: string,
): Promise<{ hb: HeartbeatTransport; bus: Bus }> {
  const text = [
    "keepalive 100ms",
    "warntime 400ms",
    "deadtime 800ms",
    "initdead 800ms",
    `udpport ${PORT}`,
    `ucast lo ${peer}`,
    "node n1 n2",
  ];
  const dir = mkdtempSync(join(tmpdir(), "hbx-bus-"));
  dirs.push(dir);
  const hb: HeartbeatTransport = new PLACES[place]({
    hacf: parseHaCf(text.join("\n"), "ha.cf"),
    authkeys,
    nodeName: name,
    stateDir: dir,
    bindAddress: self,
    logger: silent,
  });
  await hb.start();
  const bus = new Bus({
    self: name,
    link: createTransportLink(hb),
    generation: hb.generation,
    peers: ["n1", "n2"],
    config: TRANSPORT_BUS_CONFIG,
    logger: silent,
  });
  followLiveness(hb, bus);
  stops.push(async () => {
    await bus.close();
    await hb.stop();
  });
  return { hb, bus };
}

afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

for (const place of Object.keys(PLACES) as (keyof typeof PLACES)[]) {
  describe(`bus over the heartbeat transport ${place} (signed Heartbeat messages on UDP)`, () => {
    it("delivers 1,000 messages in order and a 2 MB message whole through a 20% lossy link", async () => {
      const a = await node(place, "n1", "127.0.0.1", "127.0.0.2");
      const b = await node(place, "n2", "127.0.0.2", "127.0.0.1");
      for (const l of a.hb.linkNames()) a.hb.setLinkFaults(l, { lossRate: 0.2 });
      const got: string[] = [];
      b.bus.on("cib", (m) => void got.push(new TextDecoder().decode(m.payload)));
      const big = randomBytes(2 << 20);
      let bigHash = "";
      b.bus.on("big", (m) => void (bigHash = createHash("sha256").update(m.payload).digest("hex")));
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 1000 }, (_, i) => a.bus.send("cib", "n2", `m${i}`)));
      const smallMs = performance.now() - t0;
      await a.bus.send("big", "n2", big);
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
      expect(bigHash).toBe(createHash("sha256").update(big).digest("hex"));
      expect(a.bus.stats().retransmissions).toBeGreaterThan(0);
      console.log(
        `over the transport ${place} with 20% loss: 1,000 messages in ${smallMs.toFixed(0)} ms, then 2 MB in ${(ms - smallMs).toFixed(0)} ms; ${a.bus.stats().retransmissions} retransmissions`,
      );
    }, 30_000);

    it("fails pending messages when the transport declares the peer dead", async () => {
      const a = await node(place, "n1", "127.0.0.1", "127.0.0.2");
      const b = await node(place, "n2", "127.0.0.2", "127.0.0.1");
      await a.bus.send("cib", "n2", "hello");
      await b.hb.stop();
      const err = await a.bus.send("cib", "n2", "anyone?").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BusSendError);
      expect((err as BusSendError).failed).toEqual([{ node: "n2", reason: "peer-down" }]);
    }, 15_000);
  });
}
