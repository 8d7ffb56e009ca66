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

// Two real hbxd processes in haresources mode (crm off) run the examples' stand-in service,
// found through an example's init.d script, and fail it over when the holder dies.
const DEADTIME_MS = 3000;

describe("hbxd v1 haresources mode: failover between two real daemons", () => {
  let dir: string;
  let state: string;
  let alpha: HbxdProcess;
  let bravo: HbxdProcess;

  /** The stand-in's pid for `node` when that process is alive (not a zombie), else undefined. */
  function servicePid(node: string): number | undefined {
    const file = join(state, `web.${node}.pid`);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, "utf8"));
    const stat = `/proc/${pid}/stat`;
    if (!existsSync(stat) || readFileSync(stat, "utf8").split(") ")[1]?.[0] === "Z") return undefined;
    return pid;
  }

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "hbx-v1-failover-"));
    state = join(dir, "services");
    process.env.HBX_EXAMPLE_STATE = state;
    const haCf = [
      "logfacility none",
      "keepalive 500ms",
      `deadtime ${DEADTIME_MS / 1000}`,
      "warntime 1",
      "initdead 3",
      "udpport 7831",
      "ucast lo 127.0.0.1",
      "ucast lo 127.0.0.2",
      "auto_failback on",
      "node alpha bravo",
      "crm off",
      "",
    ].join("\n");
    const nodes: HbxdProcess[] = [];
    for (const [node, addr] of [
      ["alpha", "127.0.0.1"],
      ["bravo", "127.0.0.2"],
    ] as const) {
      const nodeDir = join(dir, node);
      const ha = writeHaDir(join(nodeDir, "ha.d"), haCf, { method: "sha1", key: "v1-failover" });
      writeHaDirFile(ha, "haresources", "alpha web\n");
      mkdirSync(join(ha, "init.d"));
      // The three-services example's init.d/web is the stand-in daemon.
      symlinkSync(join(ROOT, "examples/three-services/init.d/web"), join(ha, "init.d", "web"));
      nodes.push(new HbxdProcess(nodeDir, node, addr));
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

  it("alpha runs the group; after kill -9 bravo runs it within deadtime + 2 s", async () => {
    alpha.start();
    bravo.start();
    await alpha.ready();
    await bravo.ready();
    const alphaPid = await waitFor("alpha to run web", () => servicePid("alpha"), 15_000);
    await waitFor(
      "rscstatus settled",
      () => hbxClStatus(alpha.socket, "rscstatus").out.trim() === "local" || undefined,
      5000,
    );
    // One group, preferring alpha: alpha holds its own ("local"), bravo holds nothing.
    expect(servicePid("bravo")).toBeUndefined();
    expect(hbxClStatus(bravo.socket, "rscstatus").out.trim()).toBe("none");

    // A dead node's services die with it.
    await alpha.kill("SIGKILL");
    process.kill(alphaPid, "SIGKILL");
    const t0 = Date.now();
    await waitFor("bravo to run web", () => servicePid("bravo"), DEADTIME_MS + 2000, 50);
    const took = Date.now() - t0;
    expect(took).toBeLessThanOrEqual(DEADTIME_MS + 2000);
    await waitFor(
      "bravo rscstatus",
      () => hbxClStatus(bravo.socket, "rscstatus").out.trim() === "foreign" || undefined,
      3000,
    );
    expect(hbxClStatus(bravo.socket, "rscstatus").out.trim()).toBe("foreign");
    expect(hbxClStatus(bravo.socket, "nodestatus", "alpha").out.trim()).toBe("dead");
  }, 40_000);
});

function writeHaDirFile(ha: string, name: string, text: string): void {
  // Kept beside writeHaDir so the configuration files of one node are written in one place.
  mkdirSync(ha, { recursive: true });
  rmSync(join(ha, name), { force: true });
  writeFileSync(join(ha, name), text);
}
