import { createHash, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Bus, BusRequestError, BusSendError } from "../bus.js";
import { createUdpLink, type UdpLink, type UdpLinkFaults } from "./udp-link.js";

const silent = pino({ level: "silent" });
let open: Bus[] = [];

/** Two or more buses on their own loopback addresses (127.0.0.1, .2, ...) with faults at the adapter. */
async function cluster(
  n: number,
  faults: UdpLinkFaults,
  config = {},
): Promise<{ buses: Bus[]; links: UdpLink[] }> {
  const names = Array.from({ length: n }, (_, i) => `node${i + 1}`);
  const links = await Promise.all(
    names.map((self, i) =>
      createUdpLink({
        self,
        bind: { host: `127.0.0.${i + 1}`, port: 0 },
        faults,
        seed: i + 7,
        logger: silent,
      }),
    ),
  );
  for (const l of links) names.forEach((name, i) => l.setPeer(name, links[i].address));
  const buses = names.map(
    (self, i) => new Bus({ self, link: links[i], peers: names, config, logger: silent }),
  );
  open.push(...buses);
  return { buses, links };
}

afterEach(async () => {
  await Promise.all(open.map((b) => b.close()));
  open = [];
});

const lossy: UdpLinkFaults = { loss: 0.2, duplicate: 0.02, delayMs: [0, 2] };

describe("bus over real UDP sockets with 20% loss injected", () => {
  it("delivers 10,000 messages in order, none lost or duplicated", async () => {
    const { buses, links } = await cluster(2, lossy);
    const [a, b] = buses;
    const got: number[] = [];
    b.on("cib", (m) => {
      got.push(Number(new TextDecoder().decode(m.payload)));
    });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => a.send("cib", "node2", String(i))));
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20)); // handlers run just after the acknowledgement
    expect(got.length).toBe(10_000);
    expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(links[0].counters.dropped).toBeGreaterThan(100); // the loss really happened
    console.log(
      `10,000 messages over UDP with 20% loss: ${ms.toFixed(0)} ms, ${a.stats().retransmissions} retransmissions, ` +
        `${links[0].counters.dropped + links[1].counters.dropped} datagrams dropped, ${b.stats().duplicatesDropped} duplicates suppressed`,
    );
    expect(ms).toBeLessThan(20_000);
  }, 60_000);

  it("delivers an 8 MB message whole", async () => {
    const { buses, links } = await cluster(2, lossy);
    const [a, b] = buses;
    const big = randomBytes(8 << 20); // incompressible: every byte crosses the wire
    const text = Buffer.from("<cib>" + "<primitive id='r' class='ocf'/>".repeat(270_000) + "</cib>"); // a CIB-like 8 MB text
    const got: string[] = [];
    b.on("cib", (m) => {
      got.push(createHash("sha256").update(m.payload).digest("hex"));
    });
    let t0 = performance.now();
    await a.send("cib", "node2", big);
    const bigMs = performance.now() - t0;
    t0 = performance.now();
    await a.send("cib", "node2", text);
    const textMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([
      createHash("sha256").update(big).digest("hex"),
      createHash("sha256").update(text).digest("hex"),
    ]);
    expect(links[0].counters.dropped).toBeGreaterThan(10);
    console.log(
      `8 MB random message: ${bigMs.toFixed(0)} ms; ${(text.byteLength / 1e6).toFixed(1)} MB CIB-like text (zlib): ${textMs.toFixed(0)} ms; ` +
        `${links[0].counters.sent} datagrams sent, ${a.stats().retransmissions} retransmissions`,
    );
  }, 60_000);

  it("answers requests, and times a request out when the peer is gone", async () => {
    const { buses } = await cluster(2, lossy, { deliveryTimeoutMs: 2500, maxProbeMs: 250 });
    const [a, b] = buses;
    b.on("crmd", (m) => `pong ${new TextDecoder().decode(m.payload)}`);
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) {
      const reply = await a.request("crmd", "node2", `ping ${i}`, 2000);
      expect(new TextDecoder().decode(reply)).toBe(`pong ping ${i}`);
    }
    const rrMs = (performance.now() - t0) / 50;

    await b.close(); // the peer is gone without a word
    const t1 = performance.now();
    const err = await a.request("crmd", "node2", "anyone?", 500).catch((e: unknown) => e);
    const waited = performance.now() - t1;
    expect(err).toBeInstanceOf(BusRequestError);
    expect((err as BusRequestError).reason).toBe("request-timeout");
    expect((err as Error).message).toBe("request to node2 on channel crmd timed out after 500 ms");
    expect(waited).toBeGreaterThanOrEqual(480);
    expect(waited).toBeLessThan(2000);

    const sendErr = await a.send("cib", "node2", "lost").catch((e: unknown) => e);
    expect(sendErr).toBeInstanceOf(BusSendError);
    expect((sendErr as BusSendError).failed).toEqual([{ node: "node2", reason: "timeout" }]);
    console.log(
      `request/reply round trip under 20% loss: ${rrMs.toFixed(1)} ms mean; timeout reported after ${waited.toFixed(0)} ms`,
    );
  }, 30_000);

  it("drops a reply that comes after the timeout and reports the timeout", async () => {
    const { buses } = await cluster(2, {});
    const [a, b] = buses;
    let answered = 0;
    b.on("crmd", async () => {
      await new Promise((r) => setTimeout(r, 300));
      answered++;
      return "too late";
    });
    const err = await a.request("crmd", "node2", "slow", 100).catch((e: unknown) => e);
    expect((err as BusRequestError).reason).toBe("request-timeout");
    await new Promise((r) => setTimeout(r, 400));
    expect(answered).toBe(1); // the reply was sent, and nothing resolved twice or threw
  });

  it("sends to all peers and tells which ones did not get it", async () => {
    const { buses } = await cluster(3, lossy, { deliveryTimeoutMs: 2500, maxProbeMs: 250 });
    const [a, b, c] = buses;
    const seen: string[] = [];
    b.on("ccm", (m) => void seen.push(`node2:${m.from}`));
    c.on("ccm", (m) => void seen.push(`node3:${m.from}`));
    await a.send("ccm", null, "join");
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.sort()).toEqual(["node2:node1", "node3:node1"]);
    await c.close();
    const err = (await a.send("ccm", null, "again").catch((e: unknown) => e)) as BusSendError;
    expect(err.failed).toEqual([{ node: "node3", reason: "timeout" }]);
    a.peerDown("node3");
    await expect(a.send("ccm", null, "without node3")).resolves.toBeUndefined();
  });
});
