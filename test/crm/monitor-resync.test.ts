import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { childElements, firstChild, parseXml } from "@hbx/cib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmCluster, crmTestCib, dummyUnavailable, ensureBuilt, waitFor } from "./cluster.js";

/**
 * A service that fails while the DC role moves: its monitor reports to a DC that is dying, and
 * nobody records it. The new DC asks every node for its recurring results when they join, so
 * the failure is recorded (fail-count 1) and the service restarted all the same.
 */
const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 2000;

const CIB = crmTestCib(
  `      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-monitor" name="monitor" interval="1s" timeout="20s"/>
        </operations>
      </primitive>`,
  `<constraints>
      <rsc_location id="dummy-prefers-charlie" rsc="dummy" node="charlie" score="100"/>
    </constraints>`,
);

interface CibQuery {
  xml: string;
  dc: string | null;
}

function monitorRc(xml: string, node: string): string | undefined {
  const status = firstChild(parseXml(xml, "cib.query"), "status");
  const ns = status ? childElements(status, "node_state").find((n) => n.attrs.uname === node) : undefined;
  const lrs = ns ? firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources") : undefined;
  const lr = lrs ? childElements(lrs, "lrm_resource").find((r) => r.attrs.id === "dummy") : undefined;
  return lr
    ? childElements(lr, "lrm_rsc_op").find((o) => o.attrs.id === "dummy_monitor_1000")?.attrs["rc-code"]
    : undefined;
}

function failCount(xml: string, node: string): string | undefined {
  const m = new RegExp(`uname="${node}"[\\s\\S]*?name="fail-count-dummy#monitor_1000" value="(\\w+)"`).exec(
    xml,
  );
  return m?.[1];
}

describe.skipIf(dummyUnavailable !== undefined)(
  `a monitor failure while the DC moves ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({
      names: NODES,
      cib: CIB,
      portSalt: 13,
      tmpPrefix: "hbx-resync-",
      deadtimeS: DEADTIME_MS / 1000,
      initdeadS: 4,
    });

    beforeAll(async () => {
      ensureBuilt();
      cluster.start();
      await waitFor(
        "dummy monitored on charlie, alpha DC",
        async () => {
          const r = await cluster.node("bravo").request<CibQuery>("cib.query");
          return r.dc === "alpha" && monitorRc(r.xml, "charlie") === "0" ? r : undefined;
        },
        25_000,
      );
    }, 60_000);

    afterAll(() => cluster.stop());

    it("is recorded by the new DC at join and the service restarted", async () => {
      const charlie = cluster.node("charlie");
      const state = join(charlie.rsctmp, "Dummy-dummy.state");
      const t0 = Date.now();
      await cluster.node("alpha").kill();
      rmSync(state); // the service dies just as the DC does
      const q = await waitFor(
        "the failure recorded and dummy running again on charlie",
        async () => {
          const r = await cluster.node("bravo").request<CibQuery>("cib.query");
          return r.dc === "bravo" && failCount(r.xml, "charlie") === "1" && existsSync(state) ? r : undefined;
        },
        DEADTIME_MS + 10_000,
        100,
      );
      process.stdout.write(
        `resync: dummy restarted on charlie ${Date.now() - t0} ms after the DC died with it\n`,
      );
      expect(cluster.node("bravo").log()).toMatch(/dummy_monitor_1000 on charlie: rc=7 \(reported at join\)/);
      // Restarted in place (migration-threshold is INFINITY) and monitored again.
      await waitFor(
        "the new monitor recorded",
        async () => {
          const r = await cluster.node("bravo").request<CibQuery>("cib.query");
          return monitorRc(r.xml, "charlie") === "0" ? true : undefined;
        },
        5000,
      );
      expect(failCount(q.xml, "charlie")).toBe("1");
    }, 30_000);
  },
);
