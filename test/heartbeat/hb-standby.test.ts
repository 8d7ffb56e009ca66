import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryIo, runHbStandby, runHbTakeover } from "@hbx/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureBuilt,
  hbxClStatus,
  HbxdProcess,
  killExampleServices,
  ROOT,
  waitFor,
  writeHaDir,
} from "./harness.js";

// Heartbeat's hb_standby and hb_takeover against two real hbxd in haresources mode: the group
// moves to the peer and back without a node dying.
describe("hb_standby and hb_takeover in haresources mode", () => {
  let dir: string;
  let state: string;
  let alpha: HbxdProcess;
  let bravo: HbxdProcess;

  const running = (node: string): boolean => {
    const file = join(state, `web.${node}.pid`);
    if (!existsSync(file)) return false;
    const stat = `/proc/${Number(readFileSync(file, "utf8"))}/stat`;
    return existsSync(stat) && readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
  };
  const where = () => ["alpha", "bravo"].filter(running);
  const tool = async (run: typeof runHbStandby, node: HbxdProcess, ...args: string[]) => {
    const io = memoryIo({ HBX_SOCKET: node.socket });
    return { code: await run(args, io), out: io.out, err: io.err };
  };

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "hbx-hb-standby-"));
    state = join(dir, "services");
    process.env.HBX_EXAMPLE_STATE = state;
    const haCf = [
      "logfacility none",
      "keepalive 300ms",
      "deadtime 2",
      "initdead 3",
      "udpport 7833",
      "ucast lo 127.0.0.1",
      "ucast lo 127.0.0.2",
      "auto_failback off",
      "node alpha bravo",
      "crm off",
      "",
    ].join("\n");
    const nodes: HbxdProcess[] = [];
    for (const [node, addr] of [
      ["alpha", "127.0.0.1"],
      ["bravo", "127.0.0.2"],
    ] as const) {
      const ha = writeHaDir(join(dir, node, "ha.d"), `logfile ${join(dir, node, "ha-log")}\n${haCf}`, {
        method: "sha1",
        key: "hb-standby",
      });
      writeFileSync(join(ha, "haresources"), "alpha web\n");
      mkdirSync(join(ha, "init.d"));
      symlinkSync(join(ROOT, "examples/three-services/init.d/web"), join(ha, "init.d", "web"));
      nodes.push(new HbxdProcess(join(dir, node), node, addr));
    }
    [alpha, bravo] = nodes;
  });

  afterAll(async () => {
    await alpha?.kill();
    await bravo?.kill();
    killExampleServices(state);
    delete process.env.HBX_EXAMPLE_STATE;
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a wrong argument with Heartbeat's usage and exit 1", async () => {
    const r = await tool(runHbStandby, { socket: "/nonexistent" } as HbxdProcess, "everything");
    expect(r.code).toBe(1);
    expect(r.out).toBe("hb_standby: wrong resources(everything).\n");
    expect(r.err).toBe("usage:\nhb_standby [all|foreign|local|failback]\n");
    expect((await tool(runHbTakeover, { socket: "/nonexistent" } as HbxdProcess, "all", "local")).code).toBe(
      1,
    );
  });

  it("hb_standby on the holder hands the group to its peer; hb_takeover brings it back", async () => {
    alpha.start();
    bravo.start();
    await alpha.ready();
    await bravo.ready();
    await waitFor("web on alpha only", () => (where().join() === "alpha" ? true : undefined), 15_000);
    await waitFor(
      "rscstatus settled",
      () => hbxClStatus(alpha.socket, "rscstatus").out.trim() === "local" || undefined,
      5000,
    );
    const standby = await tool(runHbStandby, alpha);
    expect(standby).toEqual({ code: 0, out: "", err: "" });
    await waitFor("web on bravo only", () => (where().join() === "bravo" ? true : undefined), 10_000, 50);
    // Both nodes stayed up: a handover, not a failover.
    expect(hbxClStatus(bravo.socket, "nodestatus", "alpha").out.trim()).toBe("active");
    expect(readFileSync(alpha.logfile, "utf8")).toMatch(/Giving up all HA resources \(standby\)/);

    // failback: this node's own groups come home.
    expect((await tool(runHbTakeover, alpha, "failback")).code).toBe(0);
    await waitFor(
      "web back on alpha only",
      () => (where().join() === "alpha" ? true : undefined),
      10_000,
      50,
    );
  }, 45_000);
});
