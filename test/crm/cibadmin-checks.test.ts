/**
 * The semantic checks on a live cluster: `cibadmin -R` of a hand-edited CIB with an unknown agent
 * class, a malformed interval or a malformed score is refused with a line naming the element and
 * changes nothing, whether the tool or hbxd's DC finds it; an agent this node does not have is
 * only a warning, since another node may have it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { firstChild, parseXml, readVersion, serializeXml } from "@hbx/cib";
import { memoryIo, runCibadmin } from "@hbx/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IpcCibSource } from "../../packages/cli/src/common/ipc-cib-source.js";
import { CrmCluster, DUMMY_AGENT, crmTestCib, dummyUnavailable, ensureBuilt, waitFor } from "./cluster.js";

const CIB = crmTestCib(
  `      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-monitor" name="monitor" interval="10s" timeout="20s"/>
        </operations>
      </primitive>`,
  `<constraints><rsc_location id="dummy-likes-alpha" rsc="dummy" node="alpha" score="100"/></constraints>`,
);

const MISTAKES: Array<[string, (xml: string) => string, RegExp]> = [
  [
    "an unknown agent class",
    (x) =>
      x.replace(
        'class="ocf" provider="heartbeat" type="Dummy"',
        'class="ocff" provider="heartbeat" type="Dummy"',
      ),
    /primitive\[@id='dummy'\]: class="ocff" is not valid; expected a resource agent class/,
  ],
  [
    "a malformed interval",
    (x) => x.replace('interval="10s"', 'interval="3x"'),
    /op\[@id='dummy-monitor'\]: interval="3x" is not valid; expected a duration/,
  ],
  [
    "a malformed score",
    (x) => x.replace('score="100"', 'score="2OO"'),
    /rsc_location\[@id='dummy-likes-alpha'\]: score="2OO" is not valid; expected a score/,
  ],
];

describe.skipIf(dummyUnavailable !== undefined)(
  `cibadmin's checks against a live hbxd ${dummyUnavailable ?? ""}`,
  () => {
    const cluster = new CrmCluster({
      names: ["alpha"],
      cib: CIB,
      portSalt: 6131,
      tmpPrefix: "hbx-cib-checks-",
    });
    const node = cluster.nodes[0];
    const liveXml = async () => (await node.request<{ xml: string }>("cib.query")).xml;
    const configuration = async () => firstChild(parseXml(await liveXml(), "cib.query"), "configuration");
    const cibadmin = async (argv: string[]) => {
      const io = memoryIo({ HBX_SOCKET: node.socket });
      io.cwd = cluster.root;
      const code = await runCibadmin(argv, io);
      return { code, out: io.out, err: io.err };
    };

    beforeAll(async () => {
      ensureBuilt();
      cluster.start();
      // The DC takes writes once it has elected itself and recorded the first probe.
      await waitFor(
        "dummy started",
        async () => ((await liveXml()).includes('operation="start"') ? true : undefined),
        25_000,
      );
    }, 60_000);

    afterAll(() => cluster.stop());

    for (const [what, edit, line] of MISTAKES) {
      it(`cibadmin -R -x refuses ${what} with 78 and a line naming the element, leaving the CIB as it was`, async () => {
        const before = await configuration();
        const file = join(cluster.root, "edited.xml");
        writeFileSync(file, edit(await liveXml()));
        const r = await cibadmin(["-R", "-x", file]);
        expect(r.code).toBe(78);
        expect(r.err).toMatch(line);
        expect(await configuration()).toEqual(before);
      });

      it(`hbxd's DC refuses ${what} itself, from a client that skipped the tool's checks`, async () => {
        const src = new IpcCibSource(node.socket);
        const live = await liveXml();
        const doc = parseXml(edit(serializeXml(await src.read(), { pretty: true })), "edited");
        const based = readVersion(doc);
        doc.attrs.epoch = String(based.epoch + 1);
        const err = await src.write(doc, based).catch((e: unknown) => e);
        expect(err).toMatchObject({ exitCode: 78 });
        expect(String((err as Error).message) + (err as { detail?: string[] }).detail?.join("\n")).toMatch(
          line,
        );
        expect(firstChild(parseXml(await liveXml(), "after"), "configuration")).toEqual(
          firstChild(parseXml(live, "before"), "configuration"),
        );
      });
    }

    it("takes an agent this node does not have, warning with the path it looked for", async () => {
      const r = await cibadmin([
        "-C",
        "-o",
        "resources",
        "-X",
        '<primitive id="typo" class="ocf" provider="heartbeat" type="Dumy"/>',
      ]);
      expect(r.code).toBe(0);
      expect(r.err).toBe(
        `warning: <primitive id="typo">: agent ocf:heartbeat:Dumy is not installed on this node (looked for ${join(DUMMY_AGENT, "..", "Dumy")}); it can run only on nodes that have it\n`,
      );
      expect(await liveXml()).toContain(
        '<primitive id="typo" class="ocf" provider="heartbeat" type="Dumy"/>',
      );
    });
  },
);
