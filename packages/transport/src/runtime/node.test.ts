import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSocket } from "node:dgram";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseAuthkeys, parseHaCf } from "../config/index.js";
import { HbMessage } from "../codec/index.js";
import { HeartbeatNode } from "./node.js";

const PORT = 17000 + (process.pid % 1000) * 2;
const authkeys = parseAuthkeys("auth 1\n1 sha1 k3y\n", "authkeys");
const dirs: string[] = [];
const nodes: HeartbeatNode[] = [];

function makeNode(name: string, self: string, peers: string[], extra = ""): HeartbeatNode {
  const text = [
    "keepalive 100ms",
    "warntime 400ms",
    "deadtime 600ms",
    "initdead 600ms",
    `udpport ${PORT}`,
    ...peers.map((p) => `ucast lo ${p}`),
    extra,
    "node n1 n2",
  ].join("\n");
  const hacf = parseHaCf(text, "ha.cf");
  const dir = mkdtempSync(join(tmpdir(), "hbx-node-"));
  dirs.push(dir);
  const n = new HeartbeatNode({
    hacf,
    authkeys,
    nodeName: name,
    stateDir: dir,
    bindAddress: self,
    logger: pino({ level: "silent" }),
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

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("HeartbeatNode over real UDP", () => {
  it("sees its peer active, delivers cluster messages, and declares it dead after deadtime", async () => {
    const a = makeNode("n1", "127.0.0.1", ["127.0.0.2"]);
    const b = makeNode("n2", "127.0.0.2", ["127.0.0.1"]);
    const got: [string, string][] = [];
    b.on("message", (m, from) => got.push([m.get("t") ?? "", from]));
    await a.start();
    await b.start();
    await until(() => b.snapshot().find((n) => n.name === "n1")?.status === "active");
    a.sendCluster(new HbMessage({ t: "hbx-test", payload: "hello" }));
    a.sendCluster(new HbMessage({ t: "hbx-other" }), "n3");
    await until(() => got.length > 0);
    expect(got).toEqual([["hbx-test", "n1"]]);
    const stoppedAt = Date.now();
    await a.stop();
    await until(() => b.snapshot().find((n) => n.name === "n1")?.status === "dead");
    expect(Date.now() - stoppedAt).toBeLessThan(600 + 400);
  });

  it("keeps a node alive over its second link when the first is cut", async () => {
    const port2 = PORT + 1;
    // Two links over loopback: ucast at udpport and mcast at its own port.
    const a = makeNode("n1", "127.0.0.1", ["127.0.0.2"], `mcast lo 239.192.77.1 ${port2} 1 1`);
    const b = makeNode("n2", "127.0.0.2", ["127.0.0.1"], `mcast lo 239.192.77.1 ${port2} 1 1`);
    await a.start();
    await b.start();
    expect(b.linkNames()).toEqual(["lo", `lo:${port2}`]);
    await until(
      () =>
        b
          .snapshot()
          .find((n) => n.name === "n1")
          ?.links.every((l) => l.status === "up") ?? false,
    );
    a.setLinkFaults("lo", { cut: true });
    await until(() => b.snapshot().find((n) => n.name === "n1")?.links[0].status === "dead");
    await new Promise((r) => setTimeout(r, 700));
    const n1 = b.snapshot().find((n) => n.name === "n1")!;
    expect(n1.status).toBe("active");
    expect(n1.links).toEqual([
      { name: "lo", status: "dead" },
      { name: `lo:${port2}`, status: "up" },
    ]);
  });

  it("drops forged and garbage packets without disturbing liveness", async () => {
    const lines: string[] = [];
    const hacf = parseHaCf(
      `keepalive 100ms\ndeadtime 600ms\ninitdead 600ms\nudpport ${PORT}\nucast lo 127.0.0.1\nnode n1 n2`,
      "ha.cf",
    );
    const dir = mkdtempSync(join(tmpdir(), "hbx-node-"));
    dirs.push(dir);
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s).msg) });
    const b = new HeartbeatNode({
      hacf,
      authkeys,
      nodeName: "n2",
      stateDir: dir,
      bindAddress: "127.0.0.2",
      logger,
    });
    nodes.push(b);
    await b.start();
    const s = createSocket("udp4");
    for (let i = 0; i < 50; i++) s.send(Buffer.from("###\n-1:x,"), PORT, "127.0.0.2");
    const field = "(0)src=n1";
    s.send(Buffer.from(`###\n${field.length}:${field},%%%\n`), PORT, "127.0.0.2");
    await until(() => lines.filter((l) => l.startsWith("dropped")).length >= 2);
    s.close();
    const drops = lines.filter((l) => l.startsWith("dropped"));
    expect(drops.some((l) => /127\.0\.0\.1:\d+: bad-length/.test(l))).toBe(true);
    expect(drops.some((l) => /missing-auth/.test(l))).toBe(true);
    // 50 identical bad packets are rate-limited to one line.
    expect(drops.filter((l) => /bad-length/.test(l))).toHaveLength(1);
  });
});

describe("ping nodes", () => {
  it.skipIf(!existsSync("/usr/bin/ping"))(
    "watches a ping node by ICMP echo and reports it as Heartbeat does",
    async () => {
      const hacf = parseHaCf(
        `keepalive 200ms\ndeadtime 1\ninitdead 2\nudpport ${PORT}\nucast lo 127.0.0.9\nping 127.0.0.1\nping_group grp 127.0.0.1 192.0.2.254\nnode n1 n2`,
        "ha.cf",
      );
      const dir = mkdtempSync(join(tmpdir(), "hbx-node-"));
      dirs.push(dir);
      const n = new HeartbeatNode({
        hacf,
        authkeys,
        nodeName: "n1",
        stateDir: dir,
        bindAddress: "127.0.0.7",
        logger: pino({ level: "silent" }),
      });
      nodes.push(n);
      await n.start();
      await until(() => n.snapshot().find((x) => x.name === "grp")?.status === "ping", 5000);
      const single = n.snapshot().find((x) => x.name === "127.0.0.1");
      expect(single).toMatchObject({
        type: "ping",
        status: "ping",
        links: [{ name: "127.0.0.1", status: "up" }],
      });
    },
  );
});
