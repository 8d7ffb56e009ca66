import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { childElements, firstChild, indexById, serializeXml, type XmlElement } from "@hbx/cib";
import { parseHaCf, parseHaresources } from "@hbx/transport";
import { crmVerify, crmVerifyAvailable } from "./crm-verify.js";
import { haresourcesToCib } from "./convert.js";

function agentDirs(): { lsb: string; heartbeat: string } {
  const root = mkdtempSync(join(tmpdir(), "h2c-agents-"));
  const dirs = { lsb: join(root, "init.d"), heartbeat: join(root, "resource.d") };
  mkdirSync(dirs.lsb);
  mkdirSync(dirs.heartbeat);
  for (const s of ["nginx", "mailsrv", "postfix"]) writeFileSync(join(dirs.lsb, s), "#!/bin/sh\n");
  for (const s of ["drbddisk", "postfix"]) writeFileSync(join(dirs.heartbeat, s), "#!/bin/sh\n");
  return dirs;
}

const HA_CF = "node alpha bravo\nucast lo 127.0.0.2\nauto_failback on\n";
const HARESOURCES = [
  "alpha 10.0.0.10/24/eth0/10.0.0.255 nginx",
  "bravo IPaddr2::10.0.0.20/24 drbddisk::r0 Filesystem::/dev/drbd0::/data::ext4::noatime postfix",
  "alpha 10.0.0.30",
  "bravo mailsrv #mail",
].join("\n");

function convert(haresources = HARESOURCES, haCf = HA_CF, warn?: (m: string) => void): XmlElement {
  return haresourcesToCib(parseHaresources(haresources, "haresources"), parseHaCf(haCf, "ha.cf"), {
    agentDirs: agentDirs(),
    warn,
  });
}

describe("haresourcesToCib", () => {
  it("makes one group per multi-resource line and a primitive per single-resource line, in order", () => {
    const cib = convert();
    const resources = firstChild(firstChild(cib, "configuration")!, "resources")!;
    expect(childElements(resources).map((r) => [r.name, r.attrs.id])).toEqual([
      ["group", "group_1"],
      ["group", "group_11"],
      ["primitive", "IPaddr_10_0_0_30"],
      ["primitive", "mail"],
    ]);
    const [g1, g2] = childElements(resources);
    expect(childElements(g1).map((p) => p.attrs.id)).toEqual(["IPaddr_10_0_0_10", "nginx_2"]);
    expect(childElements(g2).map((p) => p.attrs.id)).toEqual([
      "IPaddr2_11",
      "drbddisk_12",
      "Filesystem_13",
      "postfix_14",
    ]);
  });

  it("writes each resource's class, agent and parameters", () => {
    const { byId } = indexById(convert());
    const params = (id: string) =>
      childElements(firstChild(byId.get(id)!, "instance_attributes")!).map((n) => [
        n.attrs.name,
        n.attrs.value,
      ]);
    expect(byId.get("IPaddr_10_0_0_10")!.attrs).toEqual({
      id: "IPaddr_10_0_0_10",
      class: "ocf",
      provider: "heartbeat",
      type: "IPaddr",
    });
    expect(params("IPaddr_10_0_0_10")).toEqual([
      ["ip", "10.0.0.10"],
      ["cidr_netmask", "24"],
      ["nic", "eth0"],
      ["broadcast", "10.0.0.255"],
    ]);
    expect(byId.get("IPaddr2_11")!.attrs.type).toBe("IPaddr2");
    expect(params("Filesystem_13")).toEqual([
      ["device", "/dev/drbd0"],
      ["directory", "/data"],
      ["fstype", "ext4"],
      ["options", "noatime"],
    ]);
    expect(byId.get("drbddisk_12")!.attrs).toEqual({
      id: "drbddisk_12",
      class: "heartbeat",
      type: "drbddisk",
    });
    expect(params("drbddisk_12")).toEqual([["1", "r0"]]);
    // nginx exists only as an init script; postfix exists in both places and heartbeat wins.
    expect(byId.get("nginx_2")!.attrs.class).toBe("lsb");
    expect(byId.get("postfix_14")!.attrs.class).toBe("heartbeat");
    expect(firstChild(byId.get("nginx_2")!, "instance_attributes")).toBeUndefined();
  });

  it("puts a monitor op on every primitive, with the original's intervals", () => {
    const { byId } = indexById(convert());
    expect(byId.get("IPaddr_10_0_0_10_mon")!.attrs).toEqual({
      id: "IPaddr_10_0_0_10_mon",
      name: "monitor",
      interval: "5s",
      timeout: "5s",
    });
    expect(byId.get("nginx_2_mon")!.attrs).toMatchObject({ interval: "120s", timeout: "60s" });
    const noMon = haresourcesToCib(parseHaresources("alpha nginx", "h"), undefined, {
      monitor: false,
      agentDirs: agentDirs(),
    });
    expect(serializeXml(noMon)).not.toContain("monitor");
  });

  it("prefers the named node with score 100 and lists ha.cf's nodes", () => {
    const { byId } = indexById(convert());
    expect(byId.get("rsc_location_group_11")!.attrs).toEqual({
      id: "rsc_location_group_11",
      rsc: "group_11",
    });
    expect(byId.get("prefered_location_group_11")!.attrs.score).toBe("100");
    expect(byId.get("prefered_location_group_11_expr")!.attrs).toMatchObject({
      attribute: "#uname",
      operation: "eq",
      value: "bravo",
    });
    expect(byId.get("alpha")!.attrs).toEqual({ id: "alpha", uname: "alpha" });
    expect(byId.get("bravo")!.attrs).toEqual({ id: "bravo", uname: "bravo" });
  });

  it.each([
    ["on", "0"],
    ["legacy", "0"],
    ["off", "INFINITY"],
  ])("maps auto_failback %s to resource-stickiness %s", (mode, stickiness) => {
    const { byId } = indexById(convert(HARESOURCES, `node alpha bravo\nbcast lo\nauto_failback ${mode}\n`));
    expect(byId.get("rsc-options-resource-stickiness")!.attrs.value).toBe(stickiness);
    expect(byId.get("cib-bootstrap-options-stonith-enabled")!.attrs.value).toBe("false");
    expect(byId.get("cib-bootstrap-options-no-quorum-policy")!.attrs.value).toBe("ignore");
  });

  it("warns about an agent found nowhere and writes it as class heartbeat", () => {
    const warnings: string[] = [];
    const { byId } = indexById(convert("alpha frobnicator", HA_CF, (m) => warnings.push(m)));
    expect(byId.get("frobnicator_1")!.attrs.class).toBe("heartbeat");
    expect(warnings).toEqual([expect.stringMatching(/^frobnicator is an unknown resource agent/)]);
  });

  it("refuses a node ha.cf does not list, naming the haresources line", () => {
    expect(() => convert("alpha nginx\ncharlie 10.0.0.9")).toThrow(
      'haresources:2: expected a node listed in ha.cf, found "charlie"',
    );
  });

  it("refuses two resources that would get the same id", () => {
    expect(() => convert("alpha 10.0.0.9\nbravo 10.0.0.9")).toThrow(
      "haresources:2: expected a unique resource id, found IPaddr_10_0_0_9 again (first from line 1)",
    );
  });

  it.skipIf(!crmVerifyAvailable())("uses a crm_verify that does report errors (the oracle is live)", () => {
    const bad = crmVerify(
      '<cib validate-with="pacemaker-3.0"><configuration><resources><primitive id="x"/></resources></configuration></cib>',
    );
    expect(bad.status).not.toBe(0);
  });

  it.skipIf(!crmVerifyAvailable())("writes CIBs that Pacemaker's crm_verify accepts without errors", () => {
    const cases = [
      convert(),
      convert("alpha 10.0.0.1", "node alpha\nbcast eth0\nauto_failback off\n"),
      convert(
        "alpha 10.0.0.1 nginx\nbravo 10.0.0.2 mailsrv\nalpha drbddisk::r0 Filesystem::/dev/drbd0::/d::xfs",
      ),
      haresourcesToCib(parseHaresources("alpha 10.0.0.1/24 nginx", "h"), undefined, {
        monitor: false,
        ocf: false,
        agentDirs: agentDirs(),
      }),
    ];
    for (const cib of cases) {
      const { status, output } = crmVerify(serializeXml(cib, { declaration: true }));
      expect(output).not.toMatch(/error/i);
      expect(status).toBe(0);
    }
  });
});
