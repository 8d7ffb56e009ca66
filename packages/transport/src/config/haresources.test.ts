import { describe, expect, it } from "vitest";
import { HaCfError, parseHaresources } from "./index.js";

describe("parseHaresources", () => {
  it("reads groups in order with their preferred node, continuations and comments", () => {
    const lines = parseHaresources(
      [
        "# web and mail",
        "",
        "Alpha 10.0.0.10 nginx",
        "bravo IPaddr2::10.0.0.20/24/eth0 \\",
        "   Filesystem::/dev/sdb1::/srv/mail::ext4::noatime \\",
        "   postfix   #mail",
        "alpha drbddisk::r0 mysqld # a note",
      ].join("\n"),
      "haresources",
    );
    expect(lines.map((l) => [l.line, l.node, l.id, l.resources.map((r) => r.text)])).toEqual([
      [3, "alpha", undefined, ["10.0.0.10", "nginx"]],
      [
        4,
        "bravo",
        "mail",
        ["IPaddr2::10.0.0.20/24/eth0", "Filesystem::/dev/sdb1::/srv/mail::ext4::noatime", "postfix"],
      ],
      [7, "alpha", undefined, ["drbddisk::r0", "mysqld"]],
    ]);
    expect(lines[1].resources[1]).toEqual({
      kind: "script",
      text: "Filesystem::/dev/sdb1::/srv/mail::ext4::noatime",
      name: "Filesystem",
      args: ["/dev/sdb1", "/srv/mail", "ext4", "noatime"],
    });
    expect(lines[0].resources[1]).toEqual({ kind: "script", text: "nginx", name: "nginx", args: [] });
  });

  it.each([
    ["10.0.0.1", { ip: "10.0.0.1", agent: "IPaddr" }],
    ["10.0.0.1/24", { ip: "10.0.0.1", cidr: 24, agent: "IPaddr" }],
    ["10.0.0.1/24/eth0", { ip: "10.0.0.1", cidr: 24, nic: "eth0", agent: "IPaddr" }],
    [
      "10.0.0.1/24/eth0/10.0.0.255",
      { ip: "10.0.0.1", cidr: 24, nic: "eth0", broadcast: "10.0.0.255", agent: "IPaddr" },
    ],
    ["10.0.0.1/eth0", { ip: "10.0.0.1", nic: "eth0", agent: "IPaddr" }],
    ["IPaddr::10.0.0.1/24/eth0", { ip: "10.0.0.1", cidr: 24, nic: "eth0", agent: "IPaddr" }],
    ["IPaddr2::10.0.0.1/16", { ip: "10.0.0.1", cidr: 16, agent: "IPaddr2" }],
  ])("reads the address shorthand %s", (text, expected) => {
    const [l] = parseHaresources(`alpha ${text}\n`, "haresources");
    expect(l.resources[0]).toEqual({ kind: "ip", text, ...expected });
  });

  it.each([
    ["alpha\n", 1, /expected one or more resources after node alpha, found nothing/],
    ["alpha 10.0.0.1\nbravo 10.0.0.300/24\n", 2, /expected an IPv4 address, found "10.0.0.300"/],
    ["alpha 10.0.0.1/33\n", 1, /expected a netmask length 0-32, found "33"/],
    ["alpha 10.0.0.1/24/24\n", 1, /expected at most one netmask length .* found a second "24"/],
    ["alpha 10.0.0.1/eth0/eth1\n", 1, /expected at most one interface/],
    ["alpha 10.0.0.1/24/eth0/10.0.0.999\n", 1, /expected a broadcast address, found "10.0.0.999"/],
    ["alpha IPaddr::\n", 1, /an empty part/],
    ["alpha IPaddr::10.0.0.1::extra\n", 1, /IPaddr: expected IPaddr::ADDRESS/],
    ["alpha IPaddr2::web\n", 1, /expected an IPv4 address, found "web"/],
    ["alpha Filesystem::::/data\n", 1, /an empty part/],
    ["alpha 10.0.0.1 \\\n  nginx \\\n  bad$name\n", 1, /expected a resource name, found "bad\$name"/],
    ["al/pha nginx\n", 1, /expected a node name, found "al\/pha"/],
  ])("rejects %j at line %d", (text, line, message) => {
    try {
      parseHaresources(text, "haresources");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HaCfError);
      expect((e as HaCfError).line).toBe(line);
      expect((e as HaCfError).message).toMatch(`haresources:${line}: `);
      expect((e as HaCfError).message).toMatch(message);
    }
  });

  it("takes a comment of several words as a plain comment, not an id", () => {
    expect(parseHaresources("alpha nginx #bad id!\n", "haresources")[0].id).toBeUndefined();
  });

  it("rejects a malformed group id", () => {
    expect(() => parseHaresources("alpha nginx #9web\n", "haresources")).toThrow(
      /haresources:1: expected a group id after '#', found "9web"/,
    );
  });
});
