import { join } from "node:path";
import { CibStore, type XmlNode, childElements, firstChild, parseXml } from "@hbx/cib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmCluster, crmTestCib, dummyUnavailable, ensureBuilt, waitFor } from "./cluster.js";

/**
 * The DC records every result of a transition as a CIB version, but sends the whole CIB to the
 * other nodes once per burst of results, not once per result: the follower stores fewer
 * versions than the DC and ends on the same one.
 */
const RESOURCES = 8;
const CIB = crmTestCib(
  Array.from(
    { length: RESOURCES },
    (_, i) => `      <primitive id="d${i}" class="ocf" provider="heartbeat" type="Dummy"/>`,
  ).join("\n"),
);

interface CibQuery {
  xml: string;
  version: string;
  dc: string | null;
}

/** How many successful starts the status records, over all nodes. */
function started(xml: string): number {
  const status = firstChild(parseXml(xml, "cib.query"), "status");
  let n = 0;
  for (const ns of status ? childElements(status, "node_state") : []) n += countStarts(ns.children);
  return n;
}

/** The successful start records among these nodes and below. */
function countStarts(nodes: XmlNode[]): number {
  let n = 0;
  for (const c of nodes) {
    if (c.kind !== "element") continue;
    if (c.name === "lrm_rsc_op" && c.attrs.operation === "start" && c.attrs["rc-code"] === "0") n++;
    n += countStarts(c.children);
  }
  return n;
}

describe.skipIf(dummyUnavailable !== undefined)(
  `CIB broadcasts during a transition ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({
      names: ["alpha", "bravo"],
      cib: CIB,
      portSalt: 17,
      tmpPrefix: "hbx-bcast-",
    });

    beforeAll(() => {
      ensureBuilt();
      cluster.start();
    }, 60_000);

    afterAll(() => cluster.stop());

    it("reach the follower as fewer versions than the DC recorded, ending on the same one", async () => {
      const done = await waitFor(
        `all ${RESOURCES} Dummies started, as bravo sees it`,
        async () => {
          const r = await cluster.node("bravo").request<CibQuery>("cib.query");
          return r.dc === "alpha" && started(r.xml) === RESOURCES ? r : undefined;
        },
        30_000,
      );
      const onAlpha = await cluster.node("alpha").request<CibQuery>("cib.query");
      expect(onAlpha.version).toBe(done.version);
      await Promise.all(cluster.nodes.map((n) => n.kill()));
      const count = async (node: string) => {
        const store = await CibStore.open(join(cluster.root, node, "state", "cib"), { historyLimit: 1000 });
        try {
          return store.history(1000).length;
        } finally {
          store.close();
        }
      };
      const [dc, follower] = [await count("alpha"), await count("bravo")];
      process.stdout.write(`broadcast: the DC stored ${dc} versions, the follower ${follower}\n`);
      // Probes and starts on two nodes: at least 3 results per resource, each a version on the DC.
      expect(dc).toBeGreaterThanOrEqual(3 * RESOURCES);
      expect(follower).toBeLessThan(dc / 2);
    }, 60_000);
  },
);
