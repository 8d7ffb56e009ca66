import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertHaCfRunnable, HaCfError, loadHaCf, parseHaCf } from "./index.js";

const BASE = "node alpha bravo\nucast lo 127.0.0.2\n";

function errorOf(text: string): HaCfError {
  try {
    parseHaCf(text, "ha.cf");
  } catch (e) {
    expect(e).toBeInstanceOf(HaCfError);
    return e as HaCfError;
  }
  throw new Error("expected parseHaCf to throw");
}

describe("parseHaCf", () => {
  it("fills in Heartbeat 3.0.6's defaults when a directive is absent", () => {
    const cf = parseHaCf(BASE, "ha.cf");
    expect(cf).toMatchObject({
      keepaliveMs: 1000,
      deadtimeMs: 30000,
      warntimeMs: 15000,
      initdeadMs: 30000,
      udpport: 694,
      baud: 19200,
      autoFailback: "legacy",
      crm: "off",
      hopfudge: 1,
      autojoin: "none",
      msgfmt: "classic",
      traditionalCompression: false,
    });
    expect(cf.compression).toBeUndefined();
    expect(cf.warnings).toEqual([]);
  });

  it("reads every directive of a full file", () => {
    const cf = parseHaCf(
      [
        "# a full ha.cf",
        "logfile /var/log/ha-log",
        "debugfile /var/log/ha-debug   # debug",
        "logfacility local0",
        "keepalive 500ms",
        "deadtime 5",
        "warntime 2500ms",
        "initdead 20s",
        "udpport 7694",
        "bcast eth0 eth1",
        "mcast eth0 239.0.0.1 694 1 0",
        "ucast eth1 10.0.0.2",
        "watchdog /dev/watchdog",
        "auto_failback on",
        "node Alpha bravo",
        "node charlie",
        "ping 10.0.0.254",
        "ping_group routers 10.0.0.253 10.0.0.252",
        "respawn hacluster /usr/lib/heartbeat/ipfail -v",
        "apiauth ipfail gid=haclient uid=hacluster,root",
        "crm respawn",
        "hopfudge 2",
        "autojoin other",
        "compression bz2",
        "traditional_compression yes",
        "msgfmt netstring",
        "deadping 30",
        "use_logd no",
      ].join("\n"),
      "ha.cf",
    );
    expect(cf.logfile).toBe("/var/log/ha-log");
    expect(cf.debugfile).toBe("/var/log/ha-debug");
    expect(cf.logfacility).toBe("local0");
    expect([cf.keepaliveMs, cf.deadtimeMs, cf.warntimeMs, cf.initdeadMs]).toEqual([500, 5000, 2500, 20000]);
    expect(cf.udpport).toBe(7694);
    expect(cf.media).toEqual([
      { kind: "bcast", iface: "eth0", port: 7694, line: 10 },
      { kind: "bcast", iface: "eth1", port: 7694, line: 10 },
      { kind: "mcast", iface: "eth0", group: "239.0.0.1", port: 694, ttl: 1, loop: false, line: 11 },
      { kind: "ucast", iface: "eth1", peer: "10.0.0.2", port: 7694, line: 12 },
    ]);
    expect(cf.watchdog).toBe("/dev/watchdog");
    expect(cf.autoFailback).toBe("on");
    expect(cf.nodes).toEqual(["alpha", "bravo", "charlie"]);
    expect(cf.ping).toEqual(["10.0.0.254"]);
    expect(cf.pingGroups).toEqual([{ name: "routers", addresses: ["10.0.0.253", "10.0.0.252"], line: 18 }]);
    expect(cf.respawn).toEqual([
      { user: "hacluster", path: "/usr/lib/heartbeat/ipfail", args: ["-v"], failfast: false, line: 19 },
    ]);
    expect(cf.apiauth).toEqual([
      { client: "ipfail", uids: ["hacluster", "root"], gids: ["haclient"], line: 20 },
    ]);
    expect(cf.crm).toBe("respawn");
    expect(cf.hopfudge).toBe(2);
    expect(cf.autojoin).toBe("other");
    expect(cf.compression).toBe("bz2");
    expect(cf.traditionalCompression).toBe(true);
    expect(cf.msgfmt).toBe("netstring");
    expect(cf.other).toEqual([
      { directive: "deadping", args: ["30"], line: 27 },
      { directive: "use_logd", args: ["no"], line: 28 },
    ]);
    expect(() => assertHaCfRunnable(cf)).not.toThrow();
  });

  it.each([
    ["2", 2000],
    ["1500ms", 1500],
    ["1.5", 1500],
    ["3s", 3000],
    ["250000us", 250],
  ])("reads keepalive %s as %d ms", (value, ms) => {
    expect(parseHaCf(`keepalive ${value}\ndeadtime 60\n${BASE}`, "ha.cf").keepaliveMs).toBe(ms);
  });

  it.each([
    ["on", "on"],
    ["yes", "on"],
    ["true", "on"],
    ["respawn", "respawn"],
    ["off", "off"],
    ["no", "off"],
  ])("reads crm %s as %s, and pacemaker as its alias", (value, mode) => {
    expect(parseHaCf(`crm ${value}\n${BASE}`, "ha.cf").crm).toBe(mode);
    expect(parseHaCf(`pacemaker ${value}\n${BASE}`, "ha.cf").crm).toBe(mode);
  });

  it.each([
    ["on", "on"],
    ["off", "off"],
    ["legacy", "legacy"],
    ["Y", "on"],
    ["0", "off"],
  ])("reads auto_failback %s as %s", (value, mode) => {
    expect(parseHaCf(`auto_failback ${value}\n${BASE}`, "ha.cf").autoFailback).toBe(mode);
  });

  it("maps the obsolete nice_failback as Heartbeat does, with a warning", () => {
    const on = parseHaCf(`nice_failback on\n${BASE}`, "ha.cf");
    expect(on.autoFailback).toBe("off");
    expect(on.warnings[0]).toMatchObject({ file: "ha.cf", line: 1 });
    expect(parseHaCf(`nice_failback off\n${BASE}`, "ha.cf").autoFailback).toBe("legacy");
  });

  it("derives initdead from deadtime as Heartbeat does", () => {
    expect(parseHaCf(`deadtime 5\n${BASE}`, "ha.cf").initdeadMs).toBe(12000);
    expect(parseHaCf(`deadtime 8\n${BASE}`, "ha.cf").initdeadMs).toBe(16000);
    expect(parseHaCf(`deadtime 20\n${BASE}`, "ha.cf").initdeadMs).toBe(20000);
  });

  it("warns when initdead is under twice deadtime", () => {
    const cf = parseHaCf(`deadtime 10\ninitdead 15\n${BASE}`, "ha.cf");
    expect(cf.initdeadMs).toBe(15000);
    expect(cf.warnings).toHaveLength(1);
    expect(cf.warnings[0]).toMatchObject({ file: "ha.cf", line: 2 });
    expect(cf.warnings[0].message).toMatch(/twice deadtime/);
  });

  it("treats the old 'udp' directive as bcast with a warning", () => {
    const cf = parseHaCf("udp eth0\nnode a\n", "ha.cf");
    expect(cf.media).toEqual([{ kind: "bcast", iface: "eth0", port: 694, line: 1 }]);
    expect(cf.warnings[0].message).toMatch(/replaced by 'bcast'/);
  });

  it("parses serial and baud but refuses them for a live node", () => {
    const cf = parseHaCf("baud 38400\nserial /dev/ttyS0\nnode a b\n", "ha.cf");
    expect(cf.media).toEqual([{ kind: "serial", device: "/dev/ttyS0", baud: 38400, line: 2 }]);
    expect(() => assertHaCfRunnable(cf)).toThrow("ha.cf:2: serial: not supported on this platform");
  });

  it("refuses to run without media or without nodes", () => {
    expect(() => assertHaCfRunnable(parseHaCf("node a\n", "ha.cf"))).toThrow(/no heartbeat media/);
    expect(() => assertHaCfRunnable(parseHaCf("bcast eth0\n", "ha.cf"))).toThrow(/no nodes defined/);
    expect(() => assertHaCfRunnable(parseHaCf("bcast eth0\nautojoin any\n", "ha.cf"))).not.toThrow();
  });

  it("accepts any warntime, as Heartbeat 3.0.6 does, and points out the useless ones", () => {
    const at = (lines: string) => parseHaCf(`${lines}\nnode a\nbcast eth0\n`, "ha.cf");
    const equal = at("keepalive 1\ndeadtime 10\nwarntime 10");
    expect(equal.warntimeMs).toBe(10000);
    expect(equal.warnings).toEqual([]);
    const late = at("keepalive 1\ndeadtime 10\nwarntime 12");
    expect(late.warntimeMs).toBe(12000);
    expect(late.warnings[0]).toMatchObject({ file: "ha.cf", line: 3 });
    expect(late.warnings[0].message).toMatch(/declared dead before its heartbeat is logged as late/);
    expect(at("keepalive 1\ndeadtime 10\nwarntime 1").warnings[0].message).toMatch(/every heartbeat/);
  });

  it.each([
    ["bogus_directive 1", 1, /expected a ha.cf directive, found "bogus_directive"/],
    ["keepalive fast", 1, /keepalive: expected a time .* found "fast"/],
    ["keepalive", 1, /keepalive: expected a time .* found nothing/],
    ["keepalive 1 2", 1, /keepalive: expected a time .* found extra "2"/],
    ["keepalive 2\ndeadtime 4", 2, /deadtime: expected more than twice keepalive \(4000ms\), found 4000ms/],
    ["deadtime 30\ninitdead 10", 2, /initdead: expected at least deadtime \(30000ms\), found 10000ms/],
    ["bcast eth0\nudpport 700", 2, /udpport: expected before the media lines .* line 1/],
    ["udpport 70000", 1, /udpport: expected a UDP port \(1-65535\), found "70000"/],
    ["ucast eth0", 1, /ucast: expected an interface and a peer address/],
    ["mcast eth0 10.0.0.1 694 1 0", 1, /mcast: expected a class D group address/],
    ["mcast eth0 239.0.0.1 694 0 0", 1, /mcast: expected a TTL \(1-255\), found "0"/],
    ["mcast eth0 239.0.0.1 694 1 2", 1, /mcast: expected a loop flag \(0-1\), found "2"/],
    ["mcast eth0 239.0.0.1 694 1", 1, /mcast: expected mcast IF GROUP PORT TTL LOOP/],
    ["baud 1234", 1, /baud: expected one of 9600/],
    ["serial /dev/ttyS0\nbaud 9600", 2, /baud: expected before the serial lines/],
    ["watchdog /dev/a\nwatchdog /dev/b", 2, /watchdog: expected once/],
    ["auto_failback maybe", 1, /auto_failback: expected on, off or legacy, found "maybe"/],
    ["node a\nnode A", 2, /node: expected each node once, found "A" again/],
    ["ping_group onlyname", 1, /ping_group: expected a group name and one or more addresses/],
    ["respawn hacluster ipfail", 1, /respawn: expected a full path name, found "ipfail"/],
    ["apiauth ipfail hacluster", 1, /apiauth: expected uid=LIST or gid=LIST, found "hacluster"/],
    ["apiauth a uid=x\napiauth a gid=y", 2, /apiauth: expected one line per client/],
    ["crm sometimes", 1, /crm: expected on, off, respawn, minimal or manual, found "sometimes"/],
    ["hopfudge 300", 1, /hopfudge: expected a hop count \(0-255\), found "300"/],
    ["autojoin all", 1, /autojoin: expected none, other, any, found "all"/],
    ["compression lzma", 1, /compression: expected zlib, bz2, found "lzma"/],
    ["traditional_compression perhaps", 1, /traditional_compression: expected on or off/],
    ["msgfmt xml", 1, /msgfmt: expected classic, netstring, found "xml"/],
    ["logfacility local9", 1, /logfacility: expected none, auth, .* found "local9"/],
    ["deadping", 1, /deadping: expected a value, found nothing/],
  ])("rejects %j at line %d", (text, line, message) => {
    const e = errorOf(text);
    expect(e.file).toBe("ha.cf");
    expect(e.line).toBe(line);
    expect(e.message).toMatch(new RegExp(`^ha\\.cf:${line}: `));
    expect(e.message).toMatch(message);
  });

  it("loads a file and names a missing one", () => {
    const dir = mkdtempSync(join(tmpdir(), "hacf-"));
    const path = join(dir, "ha.cf");
    writeFileSync(path, BASE);
    expect(loadHaCf(path).nodes).toEqual(["alpha", "bravo"]);
    expect(() => loadHaCf(join(dir, "missing"))).toThrow(/missing: cannot open config file/);
  });
});
