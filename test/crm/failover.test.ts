import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childElements, firstChild, parseXml, type XmlElement } from "@hbx/cib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmNode, ensureBuilt, waitFor } from "./cluster.js";

const DUMMY = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
const NODES = ["alpha", "bravo", "charlie"];
const DEADTIME_MS = 2000;
// A private port per run, so parallel runs and other tests' clusters do not hear each other.
const PORT = 20000 + (process.pid % 20000);

const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-quorum" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <operations>
          <op id="dummy-start" name="start" interval="0" timeout="20s"/>
          <op id="dummy-stop" name="stop" interval="0" timeout="20s"/>
        </operations>
      </primitive>
    </resources>
    <constraints>
      <rsc_location id="dummy-prefers-alpha" rsc="dummy" node="alpha" score="100"/>
      <rsc_location id="dummy-then-bravo" rsc="dummy" node="bravo" score="50"/>
    </constraints>
  </configuration>
  <status/>
</cib>
`;

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

const unavailable = !existsSync(DUMMY) ? `${DUMMY} is not installed (resource-agents)` : undefined;

describe.skipIf(unavailable !== undefined)(`three hbxd in CRM mode ${unavailable ?? ""}`, () => {
  let root: string;
  const nodes: CrmNode[] = [];
  const byName = (n: string) => nodes.find((x) => x.name === n)!;

  beforeAll(async () => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), "hbx-crm-"));
    NODES.forEach((name, i) => {
      const dir = join(root, name);
      const n = new CrmNode(dir, name, `127.0.0.${i + 1}`);
      const peers = NODES.map((_, j) => `127.0.0.${j + 1}`).filter((_, j) => j !== i);
      n.configure(
        [
          `logfile ${join(dir, "ha-log")}`,
          "keepalive 300ms",
          "warntime 1",
          `deadtime ${DEADTIME_MS / 1000}`,
          "initdead 4",
          `udpport ${PORT}`,
          ...peers.map((p) => `ucast lo ${p}`),
          `node ${NODES.join(" ")}`,
          "crm on",
          "",
        ].join("\n"),
        CIB,
      );
      nodes.push(n);
    });
    for (const n of nodes) n.start();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    if (root && !process.env.HBX_KEEP_TEST_DIR) rmSync(root, { recursive: true, force: true });
  });

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

  it("gives the DC back to a restarted alpha, which takes the newest CIB and leaves the Dummy running on charlie", async () => {
    const before = await byName("charlie").request<CibQuery>("cib.query");
    const startOp = (xml: string) =>
      /<lrm_rsc_op id="dummy_last_0"[^>]*call-id="(\d+)"/.exec(
        xml.slice(xml.indexOf('<node_state id="charlie"')),
      )?.[1];
    const alpha = byName("alpha");
    alpha.start();
    const q = await waitFor(
      "alpha DC again and online in charlie's CIB",
      async () => {
        const r = await byName("charlie").request<CibQuery>("cib.query");
        return r.dc === "alpha" && /uname="alpha"[^>]*in_ccm="true"/.test(r.xml) ? r : undefined;
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
