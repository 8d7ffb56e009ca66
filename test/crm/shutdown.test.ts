/**
 * SIGTERM of hbxd in CRM mode is a clean shutdown: the DC moves the node's resources away (stop
 * there before start elsewhere, by the agents' own record), then the node leaves and its peers
 * mark it gone at once instead of waiting the deadtime.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childElements, firstChild, parseXml } from "@hbx/cib";
import { memoryIo, runClStatus } from "@hbx/cli";
import { CrmCluster, type CrmNode, crmTestCib, dummyUnavailable, sleep, waitFor } from "./cluster.js";
import { LifetimeAgents, lifetimeGroup } from "./lifetimes.js";

const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 3000;

const CIB = crmTestCib(
  lifetimeGroup("g", 2),
  `<constraints>
      <rsc_location id="g-on-bravo" rsc="g" node="bravo" score="200"/>
      <rsc_location id="g-then-alpha" rsc="g" node="alpha" score="100"/>
    </constraints>`,
);

interface CibQuery {
  xml: string;
  version: string;
  dc: string | null;
}

function nodeState(xml: string, node: string): Record<string, string> | undefined {
  const status = firstChild(parseXml(xml, "cib.query"), "status");
  return status ? childElements(status, "node_state").find((n) => n.attrs.uname === node)?.attrs : undefined;
}

function exited(n: CrmNode): Promise<number | null> {
  const c = n.child!;
  if (c.exitCode !== null) return Promise.resolve(c.exitCode);
  return new Promise((r) => c.once("exit", (code) => r(code)));
}

describe.skipIf(dummyUnavailable !== undefined)(
  `clean shutdown in CRM mode ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({
      names: NODES,
      cib: CIB,
      portSalt: 311,
      tmpPrefix: "hbx-shutdown-",
      deadtimeS: DEADTIME_MS / 1000,
      initdeadS: 4,
    });
    const agents = new LifetimeAgents(cluster.root);
    const node = (n: string) => cluster.node(n);

    beforeAll(() => agents.startCluster(cluster), 60_000);

    afterAll(() => cluster.stop());

    it("starts the group on bravo, where its location prefers it", async () => {
      await waitFor(
        "g-1 and g-2 running on bravo",
        async () => {
          const now = agents.runningNow();
          return now.get("g-1")?.join() === "bravo" && now.get("g-2")?.join() === "bravo" ? true : undefined;
        },
        25_000,
      );
    }, 30_000);

    it("answers cl_status rscstatus as Heartbeat does with crm on: refused, the CRM owns the resources", async () => {
      const io = memoryIo({});
      const code = await runClStatus(["--socket", node("bravo").socket, "rscstatus"], io);
      expect(code).toBe(1);
      expect(io.err).toContain("Resource is managed by crm");
      expect(io.out).toBe("");
    });

    it("on SIGTERM of bravo stops the group there before it starts on alpha, and alpha marks bravo gone without waiting the deadtime", async () => {
      const bravo = node("bravo");
      bravo.child!.kill("SIGTERM");
      // A second SIGTERM during the shutdown is not a crash.
      await sleep(100);
      bravo.child!.kill("SIGTERM");
      const code = await exited(bravo);
      const exitedAt = Date.now();
      expect(code).toBe(0);
      const offlineAfter = await waitFor(
        "bravo offline in alpha's CIB",
        async () => {
          const q = await node("alpha").request<CibQuery>("cib.query");
          const s = nodeState(q.xml, "bravo");
          return s?.crmd === "offline" ? { ms: Date.now() - exitedAt, state: s } : undefined;
        },
        DEADTIME_MS * 3,
        20,
      );
      // Told, not timed out: well under the deadtime.
      expect(offlineAfter.ms).toBeLessThan(DEADTIME_MS / 2);
      // Went down as expected: nothing to fence.
      expect(offlineAfter.state.expected).toBe("down");
      await waitFor(
        "the group running on alpha",
        async () => (agents.runningNow().get("g-2")?.join() === "alpha" ? true : undefined),
        10_000,
      );
      expect(agents.runningNow().get("g-1")).toEqual(["alpha"]);
      expect(agents.overlaps()).toEqual([]);
      // Stopped right to left on bravo: g-2 before g-1.
      const stops = agents.events().filter((e) => e.what === "stop" && e.node === "bravo");
      expect(stops.map((e) => e.rsc)).toEqual(["g-2", "g-1"]);
    }, 40_000);

    it("on SIGTERM of the DC moves the group off it too, and a new DC takes over", async () => {
      const alpha = node("alpha");
      const q0 = await node("charlie").request<CibQuery>("cib.query");
      expect(q0.dc).toBe("alpha");
      alpha.child!.kill("SIGTERM");
      expect(await exited(alpha)).toBe(0);
      await waitFor(
        "the group running on charlie, charlie DC",
        async () => {
          const q = await node("charlie").request<CibQuery>("cib.query");
          return agents.runningNow().get("g-2")?.join() === "charlie" && q.dc === "charlie"
            ? true
            : undefined;
        },
        15_000,
      );
      expect(agents.runningNow().get("g-1")).toEqual(["charlie"]);
      expect(agents.overlaps()).toEqual([]);
    }, 40_000);

    it("on SIGTERM of the last node stops the group there and exits", async () => {
      const charlie = node("charlie");
      const t0 = Date.now();
      charlie.child!.kill("SIGTERM");
      expect(await exited(charlie)).toBe(0);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(agents.runningNow().get("g-1")).toEqual([]);
      expect(agents.runningNow().get("g-2")).toEqual([]);
      expect(agents.overlaps()).toEqual([]);
    }, 20_000);
  },
);
