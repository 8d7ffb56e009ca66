/**
 * A one-way link fault between real hbxd in network namespaces: charlie, which runs the Dummy,
 * loses every packet it sends to the DC (a blackhole route in charlie's namespace), while the
 * DC's packets still reach charlie. Without agreed membership the DC declared charlie dead and
 * started its Dummy while charlie still saw the DC and kept its copy: two copies for the whole
 * fault. With it, charlie learns through bravo that the DC no longer hears it, installs itself
 * alone, loses quorum and stops its copy; every node's membership is one agreed set.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo, runCrmNode } from "@hbx/cli";
import { crmTestCib, dummyUnavailable, ensureBuilt, sleep, waitFor } from "./cluster.js";
import { NetnsCluster, netnsUnavailable } from "./netns.js";

const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 2000;
const FAULT_MS = 15_000;
/** The DC needs a deadtime to declare charlie dead; charlie then needs time to stop its copy. */
const GRACE_MS = 2 * DEADTIME_MS;

const CIB = crmTestCib(
  `      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-start" name="start" interval="0" timeout="20s"/>
          <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
        </operations>
      </primitive>`,
  `<constraints>
      <rsc_location id="dummy-prefers-charlie" rsc="dummy" node="charlie" score="100"/>
      <rsc_location id="dummy-then-bravo" rsc="dummy" node="bravo" score="50"/>
    </constraints>`,
).replace('name="no-quorum-policy" value="ignore"', 'name="no-quorum-policy" value="stop"');

const skip = dummyUnavailable ?? netnsUnavailable;

describe.skipIf(skip !== undefined)(`a one-way fault from a node to the DC ${skip ?? ""}`, () => {
  const cluster = new NetnsCluster({
    names: NODES,
    cib: CIB,
    tmpPrefix: "hbx-oneway-",
    deadtimeS: DEADTIME_MS / 1000,
    initdeadS: 4,
  });
  const node = (n: string) => cluster.node(n);
  const runningOn = () => NODES.filter((n) => existsSync(join(node(n).rsctmp, "Dummy-dummy.state")));
  /** The last membership this node's CRM installed, from its log. */
  const membership = (n: string) => {
    const lines =
      node(n)
        .log()
        .match(/membership: [^\n]*/g) ?? [];
    // The line's fields (members=[...] joined=... quorate=...) follow the names.
    return lines
      .at(-1)
      ?.slice("membership: ".length)
      .replace(/ \w+=.*$/, "")
      .trim();
  };
  /** `crm_node -p` against this node's hbxd: the partition its CIB records. */
  const partition = async (n: string) => {
    const io = memoryIo({ HBX_SOCKET: node(n).socket });
    const code = await runCrmNode(["-p"], io);
    return code === 0 ? io.out.trim() : `exit ${code}: ${io.err.trim()}`;
  };
  const dc = (n: string) =>
    node(n)
      .log()
      .match(/DC is \S+/g)
      ?.at(-1)
      ?.slice("DC is ".length);

  beforeAll(() => {
    ensureBuilt();
    cluster.setUp();
    cluster.start();
  }, 60_000);

  afterAll(() => cluster.stop());

  it("runs the Dummy on charlie, with alpha DC of all three", async () => {
    await waitFor(
      "dummy running on charlie only, alpha DC of alpha bravo charlie on every node",
      async () =>
        runningOn().join() === "charlie" &&
        NODES.every((n) => membership(n) === "alpha bravo charlie" && dc(n) === "alpha")
          ? true
          : undefined,
      25_000,
    );
  }, 30_000);

  it(
    "never runs the Dummy twice once charlie had its deadtime to stop, and every node agrees on one membership",
    async () => {
      const samples: { t: number; on: string[] }[] = [];
      const t0 = Date.now();
      cluster.blackhole("charlie", "alpha");
      const sampler = setInterval(() => samples.push({ t: Date.now() - t0, on: runningOn() }), 50);
      try {
        await sleep(FAULT_MS);
      } finally {
        clearInterval(sampler);
      }
      const twice = samples.filter((s) => s.on.length > 1);
      process.stdout.write(
        `one-way fault charlie->alpha for ${FAULT_MS} ms: ${samples.length} samples, ${twice.length} with two copies` +
          (twice.length ? ` (from ${twice[0].t} to ${twice.at(-1)!.t} ms after the fault)` : "") +
          `; memberships: ${NODES.map((n) => `${n}={${membership(n)}}`).join(" ")}\n`,
      );
      expect(samples.length).toBeGreaterThan(FAULT_MS / 100);
      expect(twice.filter((s) => s.t > GRACE_MS)).toEqual([]);
      // The agreed set: alpha and bravo installed {alpha, bravo}; charlie, outside it, itself alone.
      expect([membership("alpha"), membership("bravo"), membership("charlie")]).toEqual([
        "alpha bravo",
        "alpha bravo",
        "charlie",
      ]);
      expect([dc("alpha"), dc("bravo")]).toEqual(["alpha", "alpha"]);
      // The same, as an administrator sees it with crm_node -p on each node.
      expect(await Promise.all(NODES.map(partition))).toEqual(["alpha bravo", "alpha bravo", "charlie"]);
      // Still running: once, in the quorate partition.
      expect(samples.at(-1)!.on).toHaveLength(1);
      expect(["alpha", "bravo"]).toContain(samples.at(-1)!.on[0]);
    },
    FAULT_MS + 10_000,
  );

  it("heals into one membership of all three with alpha still DC, and the Dummy still once", async () => {
    cluster.unblackhole("charlie", "alpha");
    await waitFor(
      "alpha bravo charlie installed on every node, alpha DC",
      async () =>
        NODES.every((n) => membership(n) === "alpha bravo charlie" && dc(n) === "alpha") ? true : undefined,
      15_000,
    );
    await waitFor(
      "the Dummy settled on one node",
      async () => (runningOn().length === 1 ? true : undefined),
      10_000,
    );
    await waitFor(
      "crm_node -p answering alpha bravo charlie on every node",
      async () =>
        (await Promise.all(NODES.map(partition))).every((p) => p === "alpha bravo charlie")
          ? true
          : undefined,
      10_000,
    );
  }, 30_000);
});
