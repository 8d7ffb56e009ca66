import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { childElements, firstChild, parseXml, type XmlElement } from "@hbx/cib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmCluster, crmTestCib, dummyUnavailable, ensureBuilt, waitFor } from "./cluster.js";

const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 2000;

const CIB = crmTestCib(
  `      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-start" name="start" interval="0" timeout="20s"/>
          <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
        </operations>
      </primitive>`,
  `<constraints>
      <rsc_location id="dummy-prefers-alpha" rsc="dummy" node="alpha" score="100"/>
      <rsc_location id="dummy-then-bravo" rsc="dummy" node="bravo" score="50"/>
    </constraints>`,
);

interface CibQuery {
  xml: string;
  version: string;
  dc: string | null;
  node: string;
}

/** Where the status section says `rsc` runs: nodes online whose last recorded op left it started. */
function runningOn(cibXml: string, rsc: string): string[] {
  const cib = parseXml(cibXml, "cib.query");
  const status = firstChild(cib, "status");
  const out: string[] = [];
  for (const ns of status ? childElements(status, "node_state") : []) {
    if (ns.attrs.in_ccm !== "true" || ns.attrs.crmd !== "online") continue;
    const lrs = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    const lr = lrs ? childElements(lrs, "lrm_resource").find((r) => r.attrs.id === rsc) : undefined;
    const last = lr
      ? childElements(lr, "lrm_rsc_op").find((o: XmlElement) => o.attrs.id === `${rsc}_last_0`)
      : undefined;
    if (last && last.attrs["rc-code"] === "0" && ["start", "monitor"].includes(last.attrs.operation ?? ""))
      out.push(ns.attrs.uname ?? "");
  }
  return out;
}

describe.skipIf(dummyUnavailable !== undefined)(`three hbxd in CRM mode ${dummyUnavailable ?? ""}`, () => {
  const cluster = new CrmCluster({
    names: NODES,
    cib: CIB,
    portSalt: 0,
    tmpPrefix: "hbx-crm-",
    deadtimeS: DEADTIME_MS / 1000,
    initdeadS: 4,
  });
  const byName = (n: string) => cluster.node(n);

  beforeAll(() => {
    ensureBuilt();
    cluster.start();
  }, 60_000);

  afterAll(() => cluster.stop());

  it("elects alpha DC and starts the Dummy on alpha, where its location prefers it", async () => {
    const q = await waitFor(
      "dummy running on alpha and alpha DC, as seen from charlie",
      async () => {
        const r = await byName("charlie").request<CibQuery>("cib.query");
        return runningOn(r.xml, "dummy").join() === "alpha" && r.dc === "alpha" ? r : undefined;
      },
      20_000,
    );
    expect(q.dc).toBe("alpha");
    expect(existsSync(join(byName("alpha").rsctmp, "Dummy-dummy.state"))).toBe(true);
    expect(existsSync(join(byName("bravo").rsctmp, "Dummy-dummy.state"))).toBe(false);
  }, 30_000);

  it("moves the Dummy to bravo within deadtime plus a few seconds after alpha's hbxd is killed", async () => {
    const t0 = Date.now();
    await byName("alpha").kill();
    // The machine died with its daemon: its Dummy (a state file) is gone too.
    rmSync(join(byName("alpha").rsctmp, "Dummy-dummy.state"), { force: true });
    const q = await waitFor(
      "dummy running on bravo as seen from charlie",
      async () => {
        const r = await byName("charlie").request<CibQuery>("cib.query");
        return runningOn(r.xml, "dummy").join() === "bravo" ? r : undefined;
      },
      DEADTIME_MS + 8000,
      50,
    );
    const failoverMs = Date.now() - t0;
    process.stdout.write(
      `failover: dummy running on bravo ${failoverMs} ms after alpha was killed (deadtime ${DEADTIME_MS} ms)\n`,
    );
    expect(q.dc).toBe("bravo");
    expect(failoverMs).toBeLessThan(DEADTIME_MS + 5000);
    expect(existsSync(join(byName("bravo").rsctmp, "Dummy-dummy.state"))).toBe(true);
    // Alpha is recorded as gone, so nothing counts its old history as running.
    const cib = parseXml(q.xml, "cib.query");
    const alpha = childElements(firstChild(cib, "status")!, "node_state").find(
      (n) => n.attrs.uname === "alpha",
    );
    expect(alpha?.attrs).toMatchObject({ in_ccm: "false", crmd: "offline" });
    // The DC's CIB reached charlie whole: the same version on both.
    const onBravo = await byName("bravo").request<CibQuery>("cib.query");
    expect(onBravo.version).toBe(q.version);
  }, 30_000);

  it("takes a configuration replaced through charlie's IPC on the DC and moves the Dummy as it says", async () => {
    const charlie = byName("charlie");
    const before = await charlie.request<CibQuery>("cib.query");
    const edited = before.xml.replace(
      "</constraints>",
      `<rsc_location id="dummy-to-charlie" rsc="dummy" node="charlie" score="500"/></constraints>`,
    );
    const { version } = await charlie.request<{ version: string }>("cib.replace", { xml: edited });
    expect(version.split(".")[1]).toBe(String(Number(before.version.split(".")[1]) + 1));
    await waitFor(
      "dummy running on charlie",
      async () => {
        const r = await byName("bravo").request<CibQuery>("cib.query");
        return runningOn(r.xml, "dummy").join() === "charlie" ? r : undefined;
      },
      10_000,
    );
    expect(existsSync(join(charlie.rsctmp, "Dummy-dummy.state"))).toBe(true);
    expect(existsSync(join(byName("bravo").rsctmp, "Dummy-dummy.state"))).toBe(false);
  }, 20_000);

  it("refuses a stale or invalid replace and leaves the CIB as it was", async () => {
    const charlie = byName("charlie");
    const before = await charlie.request<CibQuery>("cib.query");
    await expect(charlie.request("cib.replace", { xml: CIB })).rejects.toThrow(/refused/);
    const invalid = before.xml.replace("<resources>", '<resources><primitive id="x"/>');
    await expect(charlie.request("cib.replace", { xml: invalid })).rejects.toThrow(/cib\.replace:\d+/);
    const after = await charlie.request<CibQuery>("cib.query");
    expect(after.xml).not.toContain('id="x"');
    expect(after.version.split(".").slice(0, 2)).toEqual(before.version.split(".").slice(0, 2));
  }, 20_000);

  it("keeps bravo DC when alpha restarts; alpha takes the newest CIB and the Dummy stays running on charlie", async () => {
    const before = await byName("charlie").request<CibQuery>("cib.query");
    const startOp = (xml: string) =>
      /<lrm_rsc_op id="dummy_last_0"[^>]*call-id="(\d+)"/.exec(
        xml.slice(xml.indexOf('<node_state id="charlie"')),
      )?.[1];
    const alpha = byName("alpha");
    alpha.start();
    const q = await waitFor(
      "alpha online in charlie's CIB, bravo still DC (an established DC keeps the role)",
      async () => {
        const r = await byName("charlie").request<CibQuery>("cib.query");
        return r.dc === "bravo" && /uname="alpha"[^>]*in_ccm="true"/.test(r.xml) ? r : undefined;
      },
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const after = await byName("charlie").request<CibQuery>("cib.query");
    expect(runningOn(after.xml, "dummy")).toEqual(["charlie"]);
    // Not restarted: the same recorded start, and no state file on alpha.
    expect(startOp(after.xml)).toBe(startOp(before.xml));
    expect(existsSync(join(alpha.rsctmp, "Dummy-dummy.state"))).toBe(false);
    expect(q.version >= before.version).toBe(true);
    const onAlpha = await alpha.request<CibQuery>("cib.query");
    expect(onAlpha.xml).toContain("dummy-to-charlie");
  }, 30_000);
});
