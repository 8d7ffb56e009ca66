import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseXml, serializeXml, walkElements, type XmlElement } from "@hbx/cib";
import { afterAll, describe, expect, it } from "vitest";
import { OperationRunner, recordOperation, type OperationRequest } from "@hbx/lrm";

/**
 * What the LRM records must read back as the role the agent reported. The reader here is
 * Pacemaker's own (crm_resource --locate on the CIB file), until hbx's policy engine exports
 * its unpacking.
 */
const REAL = "/usr/sbin/crm_resource";
const available =
  existsSync(REAL) &&
  existsSync("/usr/lib/ocf/resource.d/heartbeat/Dummy") &&
  existsSync("/usr/lib/ocf/resource.d/pacemaker/Stateful");
const tmp = mkdtempSync(join(tmpdir(), "hbx-lrm-readback-"));
afterAll(() => (process.env.KEEP_TMP ? undefined : rmSync(tmp, { recursive: true, force: true })));

function cib(): XmlElement {
  return parseXml(
    `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="opts-st" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/>
      <clone id="st-clone">
        <meta_attributes id="st-clone-meta"><nvpair id="st-clone-p" name="promotable" value="true"/></meta_attributes>
        <primitive id="st" class="ocf" provider="pacemaker" type="Stateful"/>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>`,
    "readback.xml",
  );
}

/** The controller's part of node_state, which the LRM does not write. */
function markOnline(root: XmlElement): void {
  for (const e of walkElements(root)) {
    if (e.name === "node_state")
      Object.assign(e.attrs, { in_ccm: "true", crmd: "online", join: "member", expected: "member" });
  }
}

function locate(root: XmlElement, rsc: string): string {
  const file = join(tmp, `cib-${rsc}.xml`);
  writeFileSync(file, serializeXml(root, { pretty: true }));
  const r = spawnSync(REAL, ["--locate", "-r", rsc], {
    env: { ...process.env, CIB_file: file, LC_ALL: "C" },
    encoding: "utf8",
  });
  return (r.stdout + r.stderr).trim();
}

function op(rscId: string, type: string, provider: string, action: string, intervalMs = 0): OperationRequest {
  return {
    rscId,
    spec: { standard: "ocf", provider, type },
    action,
    intervalMs,
    timeoutMs: 20_000,
    params: { state: join(tmp, `${rscId}.state`) },
  };
}

describe.skipIf(!available)("recorded lrm_rsc_op read back by Pacemaker", () => {
  it("a started Dummy is running on the node, a stopped one is not", async () => {
    const root = cib();
    const runner = new OperationRunner();
    runner.onResult((r) => recordOperation(root, "node1", r));
    await runner.execute(op("d1", "Dummy", "heartbeat", "monitor"));
    markOnline(root);
    expect(locate(root, "d1")).toBe("resource d1 is NOT running");
    await runner.execute(op("d1", "Dummy", "heartbeat", "start"));
    await runner.execute(op("d1", "Dummy", "heartbeat", "monitor", 10_000));
    expect(locate(root, "d1")).toBe("resource d1 is running on: node1");
    await runner.execute(op("d1", "Dummy", "heartbeat", "stop"));
    expect(locate(root, "d1")).toBe("resource d1 is NOT running");
  });

  it("a promoted Stateful reads back as Promoted", async () => {
    const root = cib();
    const runner = new OperationRunner();
    runner.onResult((r) => recordOperation(root, "node1", r));
    await runner.execute(op("st", "Stateful", "pacemaker", "start"));
    await runner.execute(op("st", "Stateful", "pacemaker", "promote"));
    const mon = await runner.execute({
      ...op("st", "Stateful", "pacemaker", "monitor", 10_000),
      expectedRc: 8,
    });
    expect(mon.rc).toBe(8);
    markOnline(root);
    expect(locate(root, "st-clone")).toBe("resource st-clone is running on: node1 Promoted");
    await runner.execute(op("st", "Stateful", "pacemaker", "demote"));
    await runner.execute(op("st", "Stateful", "pacemaker", "stop"));
    expect(locate(root, "st-clone")).toBe("resource st-clone is NOT running");
  });
});
