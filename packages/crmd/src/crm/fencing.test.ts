import { describe, expect, it } from "vitest";
import { childElements, firstChild, parseXml } from "@hbx/cib";
import { schedule } from "@hbx/pengine";
import {
  devicesFor,
  executorsFor,
  fenceDelayMs,
  fenceRequest,
  parseHostMap,
  recordFenced,
} from "./fencing.js";

const device = (id: string, params: Record<string, string>, meta = "") =>
  `<primitive id="${id}" class="stonith" type="fence_hbx_local">${meta}
     <instance_attributes id="${id}-ia">${Object.entries(params)
       .map(([k, v], i) => `<nvpair id="${id}-${i}" name="${k}" value="${v}"/>`)
       .join("")}</instance_attributes></primitive>`;

/** Three nodes, charlie lost from the membership while the Dummy ran there, fencing enabled. */
function cib(devices: string, constraints = "", options = ""): string {
  return `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1" dc-uuid="alpha">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="true"/>${options}
    </cluster_property_set></crm_config>
    <nodes><node id="alpha" uname="alpha"/><node id="bravo" uname="bravo"/><node id="charlie" uname="charlie"/></nodes>
    <resources>
      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy"/>
      ${devices}
    </resources>
    <constraints><rsc_location id="l1" rsc="dummy" node="charlie" score="100"/>${constraints}</constraints>
  </configuration>
  <status>
    <node_state id="alpha" uname="alpha" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="bravo" uname="bravo" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="charlie" uname="charlie" in_ccm="false" crmd="offline" join="down" expected="member">
      <transient_attributes id="charlie"><instance_attributes id="status-charlie"/></transient_attributes>
      <lrm id="charlie"><lrm_resources><lrm_resource id="dummy" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="dummy_last_0" operation_key="dummy_start_0" operation="start" call-id="3" rc-code="0"
          op-status="0" interval="0" transition-key="1:1:0:x" on_node="charlie"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
  </status>
</cib>`;
}

function fencing(xml: string) {
  const t = schedule(parseXml(xml, "t.xml"), { now: new Date(0) });
  const stonith = t.ws.actions.find((a) => a.task === "stonith" && !a.optional);
  if (!stonith) throw new Error("no fencing scheduled");
  return { ws: t.ws, target: stonith.fenceTarget! };
}

describe("fencing devices", () => {
  it("reads pcmk_host_map in Pacemaker's spellings", () => {
    expect([...parseHostMap("alpha:p1;bravo=p2, charlie:p3 ")]).toEqual([
      ["alpha", "p1"],
      ["bravo", "p2"],
      ["charlie", "p3"],
    ]);
    expect(parseHostMap(undefined).size).toBe(0);
  });

  it("takes the devices whose list or map names the target, highest priority first", () => {
    const { ws, target } = fencing(
      cib(
        device("f-list", { pcmk_host_list: "bravo charlie", pidfile: "/x" }) +
          device("f-other", { pcmk_host_list: "alpha,bravo" }) +
          device("f-map", { pcmk_host_map: "charlie:outlet3;bravo:outlet2", priority: "10" }) +
          device("f-any", { pcmk_host_check: "none" }) +
          device(
            "f-off",
            { pcmk_host_list: "charlie" },
            `<meta_attributes id="f-off-m"><nvpair id="f-off-m1" name="target-role" value="Stopped"/></meta_attributes>`,
          ),
      ),
    );
    expect(target.name).toBe("charlie");
    expect(devicesFor(target, ws).map((d) => `${d.rsc.id}:${d.plug}`)).toEqual([
      "f-map:outlet3",
      "f-list:charlie",
      "f-any:charlie",
    ]);
  });

  it("runs a device on the DC first, never on the target or a node banned from the device", () => {
    const { ws, target } = fencing(
      cib(
        device("f", { pcmk_host_list: "charlie" }),
        `<rsc_location id="l2" rsc="f" node="bravo" score="-INFINITY"/>`,
      ),
    );
    const [dev] = devicesFor(target, ws);
    expect(executorsFor(dev, target, ws, "alpha")).toEqual(["alpha"]);
    const open = fencing(cib(device("f", { pcmk_host_list: "charlie" })));
    const [d2] = devicesFor(open.target, open.ws);
    expect(executorsFor(d2, open.target, open.ws, "bravo")).toEqual(["bravo", "alpha"]);
  });

  it("asks the agent to reboot the plug, with the device's parameters and stonith-timeout", () => {
    const { ws, target } = fencing(
      cib(
        device("f", { pcmk_host_map: "charlie:3", pidfile: "/run/c.pid", pcmk_host_argument: "port" }),
        "",
        `<nvpair id="o2" name="stonith-timeout" value="90s"/>`,
      ),
    );
    const req = fenceRequest(devicesFor(target, ws)[0], target, "reboot", ws);
    expect(req).toMatchObject({
      rscId: "f",
      spec: { standard: "stonith", type: "fence_hbx_local" },
      action: "reboot",
      intervalMs: 0,
      timeoutMs: 90_000,
      params: { pidfile: "/run/c.pid", port: "3", nodename: "charlie" },
    });
    expect(req.transitionKey).toBeUndefined();
  });

  it("waits pcmk_delay_base plus a random part of pcmk_delay_max before using a device", () => {
    const { ws, target } = fencing(
      cib(
        device("slow", { pcmk_host_list: "charlie", pcmk_delay_base: "2s", pcmk_delay_max: "10s" }) +
          device("fast", { pcmk_host_list: "charlie" }),
      ),
    );
    const [slow, fast] = devicesFor(target, ws);
    expect([fenceDelayMs(slow, 0), fenceDelayMs(slow, 0.5), fenceDelayMs(slow, 0.999)]).toEqual([
      2000, 6000, 9992,
    ]);
    expect(fenceDelayMs(fast, 0.7)).toBe(0);
  });

  it("finds no device when none reaches the target", () => {
    const { ws, target } = fencing(cib(device("f", { pcmk_host_list: "alpha bravo" })));
    expect(devicesFor(target, ws)).toEqual([]);
  });

  it("records a fenced node down and expected down, without its history, so it is not fenced again", () => {
    const doc = parseXml(cib(device("f", { pcmk_host_list: "charlie" })), "t.xml");
    recordFenced(doc, "charlie");
    const ns = childElements(firstChild(doc, "status")!, "node_state").find(
      (n) => n.attrs.uname === "charlie",
    )!;
    expect(ns.attrs).toMatchObject({ in_ccm: "false", crmd: "offline", join: "down", expected: "down" });
    expect(ns.children.filter((c) => c.kind === "element")).toEqual([]);
    const again = schedule(doc, { now: new Date(0) });
    expect(again.ws.actions.some((a) => a.task === "stonith" && !a.optional)).toBe(false);
    // The Dummy now starts on a surviving node.
    expect(again.ws.resourceById.get("dummy")?.assigned?.name).toMatch(/alpha|bravo/);
  });
});
