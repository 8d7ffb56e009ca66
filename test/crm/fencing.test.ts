import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { childElements, firstChild, parseXml } from "@hbx/cib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CrmCluster,
  type CrmNode,
  crmTestCib,
  dummyUnavailable,
  ensureBuilt,
  sleep,
  waitFor,
} from "./cluster.js";

/**
 * Fencing in CRM mode with real daemons and hbx's test fence agent (fence_hbx_local, which
 * "powers off" an hbxd by killing the process in its pid file). A node that hangs (SIGSTOP:
 * heartbeats stop, but for all the others know its resources still run) is fenced before its
 * resources start anywhere else; with no device that can reach it, they do not move at all.
 */
const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 2000;

interface CibQuery {
  xml: string;
  dc: string | null;
}

const pidFile = (cluster: CrmCluster, n: string) => join(cluster.root, n, "hbxd.pid");

function fencingCib(cluster: CrmCluster, reach: (node: string) => string): string {
  const devices = NODES.map(
    (n) => `      <primitive id="fence-${n}" class="stonith" type="fence_hbx_local">
        <instance_attributes id="fence-${n}-ia">
          <nvpair id="fence-${n}-hosts" name="pcmk_host_list" value="${reach(n)}"/>
          <nvpair id="fence-${n}-pid" name="pidfile" value="${pidFile(cluster, n)}"/>
        </instance_attributes>
      </primitive>`,
  ).join("\n");
  return crmTestCib(
    `      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy"/>
${devices}`,
    `<constraints>
      <rsc_location id="dummy-prefers-charlie" rsc="dummy" node="charlie" score="100"/>
${NODES.map((n) => `      <rsc_location id="fence-${n}-not-on-${n}" rsc="fence-${n}" node="${n}" score="-INFINITY"/>`).join("\n")}
    </constraints>`,
  ).replace('name="stonith-enabled" value="false"', 'name="stonith-enabled" value="true"');
}

/** Where the status says `rsc` runs: members whose last recorded op left it started. */
function runningOn(xml: string, rsc: string): string[] {
  const status = firstChild(parseXml(xml, "cib.query"), "status");
  const out: string[] = [];
  for (const ns of status ? childElements(status, "node_state") : []) {
    const lrs = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    const lr = lrs ? childElements(lrs, "lrm_resource").find((r) => r.attrs.id === rsc) : undefined;
    const last = lr ? childElements(lr, "lrm_rsc_op").find((o) => o.attrs.id === `${rsc}_last_0`) : undefined;
    if (last?.attrs["rc-code"] === "0" && last.attrs.operation === "start") out.push(ns.attrs.uname ?? "");
  }
  return out;
}

function nodeState(xml: string, node: string): Record<string, string> | undefined {
  const status = firstChild(parseXml(xml, "cib.query"), "status");
  return status ? childElements(status, "node_state").find((n) => n.attrs.uname === node)?.attrs : undefined;
}

/** Start the cluster, write each daemon's pid file (what the fence agent kills) and wait for the Dummy. */
async function startWithDummyOnCharlie(cluster: CrmCluster): Promise<void> {
  cluster.start();
  for (const n of cluster.nodes) writeFileSync(pidFile(cluster, n.name), `${n.child!.pid}\n`);
  await waitFor(
    "dummy running on charlie, alpha DC",
    async () => {
      const r = await cluster.node("bravo").request<CibQuery>("cib.query");
      return r.dc === "alpha" && runningOn(r.xml, "dummy").join() === "charlie" ? r : undefined;
    },
    25_000,
  );
}

/** When the process exits and by which signal. */
function watchExit(n: CrmNode): { at?: number; signal?: string | null } {
  const seen: { at?: number; signal?: string | null } = {};
  n.child!.once("exit", (_code, signal) => {
    seen.at = Date.now();
    seen.signal = signal;
  });
  return seen;
}

describe.skipIf(dummyUnavailable !== undefined)(`fencing a hung node ${dummyUnavailable ?? ""}`, () => {
  const cluster = new CrmCluster({
    names: NODES,
    cib: "",
    portSalt: 7,
    tmpPrefix: "hbx-fence-",
    deadtimeS: DEADTIME_MS / 1000,
    initdeadS: 4,
  });
  for (const n of cluster.nodes)
    writeFileSync(
      join(n.haDir, "cib.xml"),
      fencingCib(cluster, (x) => x),
    );

  beforeAll(async () => {
    ensureBuilt();
    await startWithDummyOnCharlie(cluster);
  }, 60_000);

  afterAll(() => cluster.stop());

  it("fences charlie with fence-charlie, then starts the Dummy on a survivor, not before", async () => {
    const charlie = cluster.node("charlie");
    const exit = watchExit(charlie);
    const t0 = Date.now();
    process.kill(charlie.child!.pid!, "SIGSTOP");
    let movedAt: number | undefined;
    const q = await waitFor(
      "dummy running on alpha or bravo",
      async () => {
        const r = await cluster.node("bravo").request<CibQuery>("cib.query");
        const where = runningOn(r.xml, "dummy").filter((n) => n !== "charlie");
        if (where.length === 0) return undefined;
        movedAt = Date.now();
        return r;
      },
      DEADTIME_MS + 10_000,
      50,
    );
    process.stdout.write(
      `fencing: charlie killed ${exit.at! - t0} ms and the Dummy running on ${runningOn(q.xml, "dummy")} ` +
        `${movedAt! - t0} ms after charlie hung (deadtime ${DEADTIME_MS} ms)\n`,
    );
    // The agent killed the hung daemon (a power-off), and that came first.
    expect(exit.signal).toBe("SIGKILL");
    expect(exit.at).toBeLessThanOrEqual(movedAt!);
    expect(runningOn(q.xml, "dummy")).toHaveLength(1);
    expect(movedAt! - t0).toBeLessThan(DEADTIME_MS + 6000);
    // Recorded as fenced: down as expected, its history gone, so it is not fenced again.
    expect(nodeState(q.xml, "charlie")).toMatchObject({ in_ccm: "false", expected: "down", join: "down" });
    expect(q.xml).not.toMatch(/<node_state[^>]*uname="charlie"[^>]*>\s*<lrm/);
    const log = cluster.node("alpha").log();
    expect(log).toContain("charlie fenced (reboot) by fence-charlie");
    await sleep(1500);
    expect(
      cluster
        .node("alpha")
        .log()
        .match(/fencing charlie \(reboot\)/g),
    ).toHaveLength(1);
  }, 30_000);
});

describe.skipIf(dummyUnavailable !== undefined)(
  `a hung node no device reaches ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({
      names: NODES,
      cib: "",
      portSalt: 11,
      tmpPrefix: "hbx-nofence-",
      deadtimeS: DEADTIME_MS / 1000,
      initdeadS: 4,
    });
    // Every device reaches only alpha and bravo.
    for (const n of cluster.nodes)
      writeFileSync(
        join(n.haDir, "cib.xml"),
        fencingCib(cluster, () => "alpha bravo"),
      );

    beforeAll(async () => {
      ensureBuilt();
      await startWithDummyOnCharlie(cluster);
    }, 60_000);

    afterAll(() => cluster.stop());

    it("keeps the Dummy where it was, says why, and leaves charlie alone", async () => {
      const charlie = cluster.node("charlie");
      process.kill(charlie.child!.pid!, "SIGSTOP");
      await waitFor(
        "the DC to find it cannot fence charlie",
        async () =>
          /cannot fence charlie: no stonith device reaches it/.test(cluster.node("alpha").log())
            ? true
            : undefined,
        DEADTIME_MS + 8000,
      );
      await sleep(1500);
      const r = await cluster.node("bravo").request<CibQuery>("cib.query");
      // Not started elsewhere: charlie might still be running it.
      expect(runningOn(r.xml, "dummy")).toEqual(["charlie"]);
      expect(nodeState(r.xml, "charlie")).toMatchObject({ in_ccm: "false", expected: "member" });
      expect(charlie.child!.exitCode).toBeNull();
      expect(charlie.child!.signalCode).toBeNull();
    }, 30_000);
  },
);
