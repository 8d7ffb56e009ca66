import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CibStore, childElements, firstChild, parseXml, type XmlElement } from "@hbx/cib";
import { ExecStatus, type OperationRequest, type OperationResult, OperationRunner } from "@hbx/lrm";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DcLoop } from "./dc.js";
import { LocalLrm } from "./local-lrm.js";
import { ensureNodeEntries, writeClusterAttrs, writeNodeStates } from "./status.js";

const DUMMY = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
const log = pino({ level: "silent" });

const cib = (type: string, ops = "") =>
  parseXml(
    `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes/>
    <resources><primitive id="d" class="ocf" provider="heartbeat" type="${type}">${ops}</primitive></resources><constraints/></configuration><status/></cib>`,
    "test.xml",
  );

const ops = (doc: XmlElement, node: string) => {
  const ns = childElements(firstChild(doc, "status")!, "node_state").find((n) => n.attrs.uname === node);
  const lrs = ns && firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
  const lr = lrs && childElements(lrs, "lrm_resource").find((r) => r.attrs.id === "d");
  return lr
    ? childElements(lr, "lrm_rsc_op").map(
        (o) => `${o.attrs.id}:${o.attrs.operation}:rc=${o.attrs["rc-code"]}`,
      )
    : [];
};

describe.skipIf(!existsSync(DUMMY))("DcLoop on one node with the real Dummy agent", () => {
  let dir: string;
  let store: CibStore;
  let loop: DcLoop | undefined;
  let lrm: LocalLrm;
  afterEach(() => {
    loop?.stop();
    lrm?.stop();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lrmKeys = () => (lrm as unknown as { runner: OperationRunner }).runner.recurringKeys();

  async function setup(type: string, ops = "") {
    dir = mkdtempSync(join(tmpdir(), "hbx-dc-"));
    store = await CibStore.open(join(dir, "cib"), { logger: log });
    const doc = cib(type, ops);
    ensureNodeEntries(doc, ["alpha"]);
    writeNodeStates(doc, ["alpha"], ["alpha"], "alpha");
    writeClusterAttrs(doc, true);
    store.replace(doc, { client: "test", force: true });
    lrm = new LocalLrm(new OperationRunner(), () => undefined);
    const commits: string[] = [];
    const executed: string[] = [];
    loop = new DcLoop({
      current: () => store.current().document,
      update: (fn, operation) => {
        store.update((d) => void fn(d), { client: "crmd", operation, force: true });
        commits.push(operation);
      },
      runOnNode: (node, req) => {
        executed.push(`${req.rscId}_${req.action}_${req.intervalMs}@${node}`);
        return lrm.run({ ...req, env: { HA_RSCTMP: dir } });
      },
      log,
      debounceMs: 5,
      retryMs: 100,
    });
    return { commits, executed };
  }

  it("probes, starts the resource, records the start in the status section, and then has nothing more to do", async () => {
    const { executed } = await setup("Dummy");
    loop!.kick("test");
    await waitIdle(() => ops(store.current().document, "alpha").some((o) => o.includes(":start:")));
    // The probe (monitor 0, expected rc 7) comes first and is not a failure; the start, the
    // later non-recurring op, replaces it in d_last_0 as Pacemaker's controller keeps it.
    expect(ops(store.current().document, "alpha")).toEqual(["d_last_0:start:rc=0"]);
    expect(existsSync(join(dir, "Dummy-d.state"))).toBe(true);
    // A recheck schedules an empty transition: the recorded start matches the definition.
    loop!.kick("recheck");
    await new Promise((r) => setTimeout(r, 300));
    expect(executed).toEqual(["d_monitor_0@alpha", "d_start_0@alpha"]);
  });

  it("runs the configured recurring monitor after the start and keeps it running on the node", async () => {
    const { executed } = await setup(
      "Dummy",
      `<operations><op id="d-mon" name="monitor" interval="200ms"/></operations>`,
    );
    loop!.kick("test");
    await waitIdle(() => ops(store.current().document, "alpha").some((o) => o.startsWith("d_monitor_200")));
    expect(ops(store.current().document, "alpha")).toEqual([
      "d_last_0:start:rc=0",
      "d_monitor_200:monitor:rc=0",
    ]);
    expect(lrmKeys()).toEqual(["d_monitor_200"]);
    loop!.kick("recheck");
    await new Promise((r) => setTimeout(r, 300));
    expect(executed).toEqual(["d_monitor_0@alpha", "d_start_0@alpha", "d_monitor_200@alpha"]);
  });

  it("records failures, reschedules after a failed transition, and does not spin on an agent that is not installed", async () => {
    const { executed } = await setup("NoSuchAgent");
    loop!.kick("test");
    await waitIdle(() =>
      ops(store.current().document, "alpha").some((o) => o.startsWith("d_last_failure_0")),
    );
    await new Promise((r) => setTimeout(r, 500));
    // The probe finds the agent not installed (rc 5 where 7 was expected): a failure, recorded,
    // that ends the transition. As in Pacemaker, a probe's "not installed" means the resource is
    // stopped there and can never run there, so the reschedule neither starts nor stops it:
    // nothing more runs (before probes, the start failed and the recovery stop failed too).
    expect(executed).toEqual(["d_monitor_0@alpha"]);
    expect(ops(store.current().document, "alpha")).toEqual([
      "d_last_0:monitor:rc=5",
      "d_last_failure_0:monitor:rc=5",
    ]);
  });
});

async function waitIdle(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a primitive found active on two nodes", () => {
  it("is logged with both node names, and stopped on both before it starts on one (multiple-active=stop_start)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-dc-multi-"));
    const store = await CibStore.open(join(dir, "cib"), { logger: log });
    const doc = cib("Dummy");
    ensureNodeEntries(doc, ["alpha", "bravo"]);
    writeNodeStates(doc, ["alpha", "bravo"], ["alpha", "bravo"], "alpha");
    writeClusterAttrs(doc, true);
    // Both nodes' histories say d was started there (a healed split brain).
    for (const ns of childElements(firstChild(doc, "status")!, "node_state"))
      ns.children.push(
        parseXml(
          `<lrm id="${ns.attrs.id}"><lrm_resources><lrm_resource id="d" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-key="1:1:0:x" call-id="2" rc-code="0" op-status="0" interval="0"/>
          </lrm_resource></lrm_resources></lrm>`,
        ),
      );
    store.replace(doc, { client: "test", force: true });
    const lines: { level: number; msg: string }[] = [];
    const capture = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const executed: string[] = [];
    const loop = new DcLoop({
      current: () => store.current().document,
      update: (fn, operation) =>
        void store.update((d) => void fn(d), { client: "crmd", operation, force: true }),
      runOnNode: async (node, req) => {
        executed.push(`${req.action}@${node}`);
        return succeeded(req, executed.length + 10);
      },
      log: capture,
      debounceMs: 5,
    });
    try {
      loop.kick("test");
      await waitIdle(() => executed.filter((e) => e.startsWith("start")).length === 1);
      expect(
        lines.some((l) => l.level === 50 && l.msg.includes("d is active on 2 nodes (alpha, bravo)")),
      ).toBe(true);
      const firstStart = executed.findIndex((e) => e.startsWith("start"));
      expect(executed.slice(0, firstStart).sort()).toEqual(["stop@alpha", "stop@bravo"]);
    } finally {
      loop.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a probe that finds the resource running", () => {
  it("is logged as a finding, not a failure, and the DC schedules again at once without a start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-dc-probe-"));
    const store = await CibStore.open(join(dir, "cib"), { logger: log });
    const doc = cib("Dummy");
    ensureNodeEntries(doc, ["alpha"]);
    writeNodeStates(doc, ["alpha"], ["alpha"], "alpha");
    writeClusterAttrs(doc, true);
    store.replace(doc, { client: "test", force: true });
    const lines: { level: number; msg: string }[] = [];
    const capture = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const executed: { what: string; at: number }[] = [];
    const loop = new DcLoop({
      current: () => store.current().document,
      update: (fn, operation) =>
        void store.update((d) => void fn(d), { client: "crmd", operation, force: true }),
      runOnNode: async (node, req) => {
        executed.push({ what: `${req.action}_${req.intervalMs}@${node}`, at: Date.now() });
        // The resource already runs there (started before this DC knew of it): every answer is rc 0.
        return succeeded(req, executed.length);
      },
      log: capture,
      debounceMs: 5,
      retryMs: 5000,
    });
    try {
      loop.kick("test");
      await waitIdle(() => loop.idle() && executed.length > 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(executed.map((e) => e.what)).toEqual(["monitor_0@alpha"]);
      expect(lines.some((l) => l.msg.includes("probe found d running on alpha"))).toBe(true);
      expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
      // Recorded as Pacemaker's controller records it: rc 0 where 7 was the target also makes
      // d_last_failure_0 (did_rsc_op_fail), which its scheduler reads as "found active".
      expect(ops(store.current().document, "alpha")).toEqual([
        "d_last_0:monitor:rc=0",
        "d_last_failure_0:monitor:rc=0",
      ]);
    } finally {
      loop.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** What a node answers when the operation went well: rc 0, done, now. */
function succeeded(request: OperationRequest, callId: number): OperationResult {
  const now = Date.now();
  return {
    callId,
    request,
    rc: 0,
    status: ExecStatus.DONE,
    exitReason: "",
    stdout: "",
    stderr: "",
    outputTruncated: false,
    enqueuedAt: now,
    startedAt: now,
    finishedAt: now,
    execTimeMs: 0,
    queueTimeMs: 0,
    pid: 1,
  };
}
