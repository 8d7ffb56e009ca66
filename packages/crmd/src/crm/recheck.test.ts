import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CibStore,
  childElements,
  element,
  findNodeState,
  firstChild,
  parseXml,
  setTransientAttribute,
  type XmlElement,
} from "@hbx/cib";
import { OperationRunner } from "@hbx/lrm";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DcLoop } from "./dc.js";
import { LocalLrm } from "./local-lrm.js";
import {
  DEFAULT_RECHECK_INTERVAL_MS,
  clearExpiredFailures,
  failuresWithTimeout,
  nextRecheckDelayMs,
} from "./recheck.js";
import { ensureNodeEntries, writeClusterAttrs, writeNodeStates } from "./status.js";

const DUMMY = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
const log = pino({ level: "silent" });

/** Resource d (with the given meta) and e (no failure-timeout) on alpha and bravo. */
const cib = (props = "", meta = "") => {
  const doc = parseXml(
    `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/>${props}</cluster_property_set></crm_config><nodes/>
    <resources><primitive id="d" class="ocf" provider="heartbeat" type="Dummy">${meta}</primitive>
    <primitive id="e" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/></configuration><status/></cib>`,
    "test.xml",
  );
  ensureNodeEntries(doc, ["alpha", "bravo"]);
  writeNodeStates(doc, ["alpha", "bravo"], ["alpha", "bravo"], "alpha");
  writeClusterAttrs(doc, true);
  return doc;
};
const meta = (attrs: Record<string, string>) =>
  `<meta_attributes id="d-meta">${Object.entries(attrs)
    .map(([k, v]) => `<nvpair id="d-meta-${k}" name="${k}" value="${v}"/>`)
    .join("")}</meta_attributes>`;

const attrs = (doc: XmlElement, node: string) => {
  const ta = firstChild(findNodeState(doc, node)!, "transient_attributes");
  const set = ta && firstChild(ta, "instance_attributes");
  return Object.fromEntries(
    (set ? childElements(set, "nvpair") : []).map((p) => [p.attrs.name, p.attrs.value]),
  );
};
const fail = (doc: XmlElement, node: string, rsc: string, at: number, count = "1") => {
  const ns = findNodeState(doc, node)!;
  setTransientAttribute(ns, `fail-count-${rsc}#monitor_10000`, count);
  setTransientAttribute(ns, `last-failure-${rsc}#monitor_10000`, String(at));
};

const T0 = 1_767_323_045; // epoch seconds of a last failure

describe("a lost node's transient attributes", () => {
  it("are erased by the DC when the node leaves, its lrm history kept; set again while it is away, they stay", () => {
    const doc = cib();
    fail(doc, "bravo", "d", T0);
    setTransientAttribute(findNodeState(doc, "bravo")!, "pingd", "100");
    findNodeState(doc, "bravo")!.children.push(element("lrm", { id: "bravo" }));
    fail(doc, "alpha", "d", T0);
    writeNodeStates(doc, ["alpha"], ["alpha", "bravo"], "alpha");
    const bravo = findNodeState(doc, "bravo")!;
    expect(bravo.attrs).toMatchObject({ in_ccm: "false", crmd: "offline", join: "down" });
    expect(firstChild(bravo, "transient_attributes")).toBeUndefined();
    expect(firstChild(bravo, "lrm")).toBeDefined();
    // The surviving member keeps its own.
    expect(attrs(doc, "alpha")["fail-count-d#monitor_10000"]).toBe("1");
    // crm_attribute -l reboot for the offline node: erased only at the next loss, not by every
    // membership write while it stays away.
    setTransientAttribute(bravo, "standby", "on");
    writeNodeStates(doc, ["alpha"], ["alpha", "bravo"], "alpha");
    expect(attrs(doc, "bravo")).toEqual({ standby: "on" });
  });
});

describe("failure-timeout bookkeeping", () => {
  const at = (s: number) => new Date(s * 1000);

  it("finds each failure's expiry from the resource's latest last-failure plus its failure-timeout", () => {
    const doc = cib("", meta({ "failure-timeout": "60s" }));
    fail(doc, "alpha", "d", T0);
    setTransientAttribute(findNodeState(doc, "alpha")!, "last-failure-d#start_0", String(T0 + 10));
    fail(doc, "bravo", "d", T0 + 5);
    fail(doc, "alpha", "e", T0); // no failure-timeout: never expires
    const found = failuresWithTimeout(doc, at(T0)).map((f) => [f.node, f.rsc, f.expiresAtMs / 1000]);
    expect(found).toEqual([
      ["alpha", "d", T0 + 70],
      ["bravo", "d", T0 + 65],
    ]);
    expect(nextRecheckDelayMs(doc, at(T0 + 1))).toBe(64_000);
  });

  it("clears only expired fail-counts and last-failures, and leaves the CIB alone before expiry", () => {
    const doc = cib("", meta({ "failure-timeout": "2s" }));
    fail(doc, "alpha", "d", T0);
    fail(doc, "alpha", "e", T0);
    fail(doc, "bravo", "d", T0 + 10);
    expect(clearExpiredFailures(doc, at(T0 + 1.9))).toEqual([]);
    expect(Object.keys(attrs(doc, "alpha"))).toHaveLength(4);
    const cleared = clearExpiredFailures(doc, at(T0 + 2));
    expect(cleared.map((f) => `${f.rsc}@${f.node}`)).toEqual(["d@alpha"]);
    expect(attrs(doc, "alpha")).toEqual({
      "fail-count-e#monitor_10000": "1",
      "last-failure-e#monitor_10000": String(T0),
    });
    expect(attrs(doc, "bravo")["fail-count-d#monitor_10000"]).toBe("1");
  });

  it("bounds the recheck by cluster-recheck-interval (default 15 min, 0 disables)", () => {
    const withFailure = (props: string) => {
      const doc = cib(props, meta({ "failure-timeout": "10min" }));
      fail(doc, "alpha", "d", T0);
      return doc;
    };
    expect(nextRecheckDelayMs(withFailure(""), at(T0))).toBe(600_000);
    const short = `<nvpair id="o2" name="cluster-recheck-interval" value="30s"/>`;
    expect(nextRecheckDelayMs(withFailure(short), at(T0))).toBe(30_000);
    expect(nextRecheckDelayMs(cib(), at(T0))).toBe(DEFAULT_RECHECK_INTERVAL_MS);
    const off = `<nvpair id="o2" name="cluster-recheck-interval" value="0"/>`;
    expect(nextRecheckDelayMs(cib(off), at(T0))).toBeUndefined();
    // An already expired failure asks for a recheck now.
    expect(nextRecheckDelayMs(withFailure(off), at(T0 + 601))).toBe(0);
  });

  it("finds and clears failures kept in Heartbeat v2's <attributes> form, and reads cluster_recheck_interval", () => {
    const v2Props = `</cluster_property_set><cluster_property_set id="o-v2"><attributes>
      <nvpair id="o2" name="cluster_recheck_interval" value="30min"/></attributes>`;
    const doc = cib(v2Props, meta({ "failure-timeout": "2s" }));
    fail(doc, "alpha", "d", T0);
    // Wrap alpha's transient nvpairs as Heartbeat v2 wrote them.
    const set = firstChild(
      firstChild(findNodeState(doc, "alpha")!, "transient_attributes")!,
      "instance_attributes",
    )!;
    set.children = [element("attributes", {}, set.children)];
    expect(nextRecheckDelayMs(cib(v2Props), at(T0))).toBe(30 * 60_000);
    expect(failuresWithTimeout(doc, at(T0)).map((f) => `${f.rsc}@${f.node}`)).toEqual(["d@alpha"]);
    expect(clearExpiredFailures(doc, at(T0 + 2)).map((f) => `${f.rsc}@${f.node}`)).toEqual(["d@alpha"]);
    expect(childElements(firstChild(set, "attributes")!, "nvpair")).toEqual([]);
  });
});

describe.skipIf(!existsSync(DUMMY))("DcLoop recheck at failure-timeout, with the real Dummy agent", () => {
  let dir: string;
  let store: CibStore;
  let loop: DcLoop | undefined;
  let lrm: LocalLrm;
  afterEach(() => {
    loop?.stop();
    lrm?.stop();
    store?.close();
    // An agent the stopped loop had started may still be writing its state file here.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });

  it("starts a resource banned by its fail-count once failure-timeout passes, and clears the count", async () => {
    dir = mkdtempSync(join(tmpdir(), "hbx-recheck-"));
    store = await CibStore.open(join(dir, "cib"), { logger: log });
    const doc = cib("", meta({ "failure-timeout": "2s", "migration-threshold": "1" }));
    // One node only: with its fail-count at migration-threshold d may run nowhere.
    writeNodeStates(doc, ["alpha"], ["alpha", "bravo"], "alpha");
    const failedAt = Math.floor(Date.now() / 1000);
    fail(doc, "alpha", "d", failedAt);
    store.replace(doc, { client: "test", force: true });
    lrm = new LocalLrm(new OperationRunner(), () => undefined);
    const commits: string[] = [];
    const executed: { op: string; at: number }[] = [];
    loop = new DcLoop({
      current: () => store.current().document,
      update: (fn, operation) => {
        store.update((d) => void fn(d), { client: "crmd", operation, force: true });
        commits.push(operation);
      },
      runOnNode: (node, req) => {
        executed.push({ op: `${req.rscId}_${req.action}_${req.intervalMs}@${node}`, at: Date.now() });
        return lrm.run({ ...req, env: { HA_RSCTMP: dir } });
      },
      log,
      debounceMs: 5,
    });
    loop.kick("test");
    const started = () => executed.some((e) => e.op === "d_start_0@alpha");
    // The expiry is at least 1 s away (last-failure is in whole seconds, 2 s timeout). Until
    // then: e starts, d is probed but not started while its failure is fresh (waiting for e's
    // start, not a fixed time, so a busy machine does not fail the test).
    const expiry = (failedAt + 2) * 1000;
    while (!executed.some((e) => e.op === "e_start_0@alpha") && Date.now() < expiry - 100)
      await new Promise((r) => setTimeout(r, 20));
    expect(executed.map((e) => e.op)).toContain("e_start_0@alpha");
    expect(executed.filter((e) => e.op === "d_start_0@alpha" && e.at < expiry)).toEqual([]);
    const end = Date.now() + 5000;
    while (!started() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const start = executed.find((e) => e.op === "d_start_0@alpha")!;
    expect(start).toBeDefined();
    // Nothing else kicked the loop: the recheck timer fired at the expiry (whole seconds).
    expect(start.at).toBeGreaterThanOrEqual(expiry);
    expect(start.at).toBeLessThan(expiry + 1500);
    expect(commits).toContain("clear expired fail-counts");
    expect(attrs(store.current().document, "alpha")).toEqual({});
  });
});
