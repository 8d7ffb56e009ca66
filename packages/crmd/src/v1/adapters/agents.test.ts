import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseHaresources } from "@hbx/transport";
import { describe, expect, it } from "vitest";
import { LrmAgents, v1Request } from "./agents.js";

const [ipLine] = parseHaresources(
  "alpha 127.0.0.199/8/lo IPaddr::127.0.0.198/8/lo Filesystem::/dev/sdb1::/data::ext4\n",
  "haresources",
);
const [shorthand, ipaddr, fs] = ipLine.resources;

describe("haresources resources as LRM requests", () => {
  it("maps the address shorthand to ocf:heartbeat:IPaddr2 with its parts as parameters", () => {
    const req = v1Request("g", shorthand, "start", { node: "alpha" });
    expect(req.spec).toEqual({ standard: "ocf", provider: "heartbeat", type: "IPaddr2" });
    expect(req.params).toEqual({ ip: "127.0.0.199", cidr_netmask: "8", nic: "lo" });
    expect(req.env).toEqual({ HA_CURHOST: "alpha" });
  });

  it("can call the heartbeat IPaddr script with the haresources argument instead", () => {
    const req = v1Request("g", ipaddr, "stop", { node: "alpha", ipAgent: "heartbeat:IPaddr" });
    expect(req.spec).toEqual({ standard: "heartbeat", type: "IPaddr" });
    expect(req.params).toEqual({ "1": "127.0.0.198/8/lo" });
  });

  it("passes a script's :: arguments in order and asks status as a monitor", () => {
    const req = v1Request("g", fs, "status", { node: "bravo" });
    expect(req.spec).toEqual({ standard: "heartbeat", type: "Filesystem" });
    expect(req.params).toEqual({ "1": "/dev/sdb1", "2": "/data", "3": "ext4" });
    expect(req.action).toBe("monitor");
  });
});

const root = process.getuid?.() === 0;
const haveIPaddr2 = existsSync("/usr/lib/ocf/resource.d/heartbeat/IPaddr2");
const haveHbIPaddr = existsSync("/etc/ha.d/resource.d/IPaddr");
const onLo = (ip: string) =>
  execFileSync("ip", ["-o", "-4", "addr", "show", "dev", "lo"], { encoding: "utf8" }).includes(` ${ip}/`);

describe("floating addresses through the real agents (needs root)", () => {
  it.skipIf(!root || !haveIPaddr2)(
    "ocf:heartbeat:IPaddr2 adds the address on start and removes it on stop",
    async () => {
      const agents = new LrmAgents({ node: "alpha" });
      expect(onLo("127.0.0.199")).toBe(false);
      expect(await agents.run("g", shorthand, "start")).toMatchObject({ ok: true, rc: 0 });
      expect(onLo("127.0.0.199")).toBe(true);
      expect(await agents.run("g", shorthand, "status")).toMatchObject({ ok: true, rc: 0 });
      expect(await agents.run("g", shorthand, "stop")).toMatchObject({ ok: true, rc: 0 });
      expect(onLo("127.0.0.199")).toBe(false);
      expect(await agents.run("g", shorthand, "status")).toMatchObject({ ok: true, rc: 7 });
    },
    60000,
  );

  it.skipIf(!root || !haveHbIPaddr)(
    "the heartbeat IPaddr script does the same with the shorthand argument",
    async () => {
      const agents = new LrmAgents({ node: "alpha", ipAgent: "heartbeat:IPaddr" });
      expect(await agents.run("g", ipaddr, "start")).toMatchObject({ ok: true });
      expect(onLo("127.0.0.198")).toBe(true);
      expect(await agents.run("g", ipaddr, "stop")).toMatchObject({ ok: true });
      expect(onLo("127.0.0.198")).toBe(false);
    },
    60000,
  );
});
