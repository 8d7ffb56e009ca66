import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const rec = (id: string, cls: string, type: string, task: string, call: number) =>
  `<lrm_resource id="${id}" class="${cls}"${cls === "ocf" ? ' provider="heartbeat"' : ""} type="${type}">` +
  `<lrm_rsc_op id="${id}_${task}" operation="${task}" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;

describe("unfencing after a fencing device changes", () => {
  it("unfences the node it runs on again and restarts what needs unfencing there", () => {
    // The device ran as fence_old; it is configured as fence_scsi now.
    const xml = `<cib have-quorum="1"><configuration><crm_config/>
      <nodes><node id="n1" uname="n1"/></nodes><resources>
      <primitive id="dev" class="stonith" type="fence_scsi"><meta_attributes id="dm">
      <nvpair id="dm1" name="provides" value="unfencing"/></meta_attributes></primitive>
      <primitive id="svc" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/></configuration>
      <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="n1"><instance_attributes id="t"><nvpair id="t1" name="#node-unfenced" value="1234"/>
      </instance_attributes></transient_attributes><lrm id="n1"><lrm_resources>
      ${rec("dev", "stonith", "fence_old", "start", 3)}${rec("svc", "ocf", "Dummy", "start", 4)}
      </lrm_resources></lrm></node_state></status></cib>`;
    const lines = transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) =>
      l.replace(/\s+/g, " "),
    );
    expect(lines).toContain("Fence (on) n1 'Device definition changed'");
    expect(lines).toContain("Restart svc ( n1 ) due to required stonith");
  });
});
