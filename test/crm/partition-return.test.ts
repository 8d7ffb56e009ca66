/**
 * A running cluster stays still through a partition and a return: the cut-off node stops its
 * copy (it has no quorum), the majority runs the service, and neither the heal nor a killed
 * DC's return restarts anything healthy; every node ends with the same CIB.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmCluster, dummyUnavailable, sleep, waitFor } from "./cluster.js";
import { LifetimeAgents, lifetimeGroup } from "./lifetimes.js";

const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 2000;

// No fencing; quorum decides (no-quorum-policy defaults to stop); stickiness keeps a moved
// group where it runs, so a return has no reason to move it.
const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
${lifetimeGroup("g", 2)}
    </resources>
    <constraints>
      <rsc_location id="g-on-charlie" rsc="g" node="charlie" score="100"/>
      <rsc_location id="g-then-bravo" rsc="g" node="bravo" score="50"/>
    </constraints>
    <rsc_defaults>
      <meta_attributes id="rsc-defaults">
        <nvpair id="stickiness" name="resource-stickiness" value="1000"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status/>
</cib>
`;

interface CibQuery {
  xml: string;
  version: string;
  dc: string | null;
}

describe.skipIf(dummyUnavailable !== undefined)(
  `partition, heal and return ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({
      names: NODES,
      cib: CIB,
      portSalt: 523,
      tmpPrefix: "hbx-partition-",
      deadtimeS: DEADTIME_MS / 1000,
      initdeadS: 4,
    });
    const agents = new LifetimeAgents(cluster.root);
    const node = (n: string) => cluster.node(n);
    const where = () => agents.runningNow().get("g-2") ?? [];
    const query = (n: string) => node(n).request<CibQuery>("cib.query");
    const cut = (n: string, on: boolean) => node(n).request("hb.link-faults", { link: "lo", cut: on });

    /** Every node answers the same CIB version and configuration. */
    async function converged(names: string[]): Promise<true | undefined> {
      const qs = await Promise.all(names.map(query));
      const conf = (x: string) => x.slice(x.indexOf("<configuration"), x.indexOf("</configuration>"));
      return qs.every((q) => q.version === qs[0].version && conf(q.xml) === conf(qs[0].xml))
        ? true
        : undefined;
    }

    beforeAll(() => agents.startCluster(cluster), 60_000);

    afterAll(() => cluster.stop());

    it("starts the group on charlie", async () => {
      await waitFor("g on charlie", async () => (where().join() === "charlie" ? true : undefined), 25_000);
    }, 30_000);

    it("cut off, charlie stops its copy; the majority runs the group; the heal restarts nothing", async () => {
      await cut("charlie", true);
      await waitFor(
        "g only on alpha or bravo",
        async () => (where().length === 1 && where()[0] !== "charlie" ? true : undefined),
        DEADTIME_MS * 5,
      );
      const owner = where()[0];
      // Quiet for a while in the partition: the minority stays stopped, the majority keeps it.
      await sleep(2000);
      expect(where()).toEqual([owner]);
      const before = agents.events().length;
      await cut("charlie", false);
      await waitFor(
        "charlie back in alpha's membership",
        async () => {
          const q = await query("charlie");
          return q.dc !== null && q.dc !== "charlie" ? true : undefined;
        },
        DEADTIME_MS * 5,
      );
      await waitFor("one CIB on every node", () => converged(NODES), 10_000);
      await sleep(2000);
      // Nothing stopped or started after the heal, the majority's copy included.
      expect(agents.events().slice(before)).toEqual([]);
      expect(where()).toEqual([owner]);
      // Without fencing, the cut-off node stops its copy when it loses quorum, about when the
      // majority starts theirs: any overlap is bounded by that race, never the length of the cut.
      expect(agents.overlapMs()).toBeLessThan(1000);
    }, 40_000);

    it("a killed DC's return takes no role back and restarts nothing", async () => {
      const victim = (await query("bravo")).dc!;
      const owner = where()[0];
      // The DC (alpha) does not run the group (bravo does), so killing it leaves the service up.
      expect(victim).not.toBe(owner);
      await node(victim).kill();
      const survivors = NODES.filter((n) => n !== victim);
      const newDc = await waitFor(
        "a new DC",
        async () => {
          const q = await query(survivors[0]);
          return q.dc && q.dc !== victim ? q.dc : undefined;
        },
        DEADTIME_MS * 5,
      );
      await sleep(1000);
      const before = agents.events().length;
      node(victim).start();
      await waitFor(
        `${victim} back with ${newDc} still DC`,
        async () => {
          const q = await query(victim).catch(() => undefined);
          return q?.dc === newDc ? true : undefined;
        },
        DEADTIME_MS * 6,
      );
      await waitFor("one CIB on every node", () => converged(NODES), 10_000);
      await sleep(2000);
      expect((await query(survivors[0])).dc).toBe(newDc);
      expect(agents.events().slice(before)).toEqual([]);
      expect(where()).toEqual([owner]);
    }, 60_000);
  },
);
