import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agentClasses, defaultAgentDirs } from "./classes/index.js";
import { ExecStatus } from "./codes.js";
import { OperationRunner } from "./runner.js";
import { type OperationRequest, type OperationResult } from "./types.js";

const tmp = mkdtempSync(join(tmpdir(), "hbx-lrm-runner-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(tmp, "ocf");
mkdirSync(join(root, "resource.d", "hbxtest"), { recursive: true });
const log = join(tmp, "log");
writeFileSync(log, "");
// A real agent that logs when it begins and ends, so overlap can be read from the log.
const slow = join(root, "resource.d", "hbxtest", "Slow");
writeFileSync(
  slow,
  `#!/bin/sh\necho "begin $OCF_RESOURCE_INSTANCE $(date +%s%N)" >> ${log}\nsleep \${OCF_RESKEY_delay:-0.3}\necho "end $OCF_RESOURCE_INSTANCE $(date +%s%N)" >> ${log}\nexit \${OCF_RESKEY_rc:-0}\n`,
);
chmodSync(slow, 0o755);
const classes = agentClasses({ ...defaultAgentDirs(), ocfRoot: root });

function op(rscId: string, action = "start", extra: Partial<OperationRequest> = {}): OperationRequest {
  return {
    rscId,
    spec: { standard: "ocf", provider: "hbxtest", type: "Slow" },
    action,
    intervalMs: 0,
    timeoutMs: 10_000,
    params: {},
    ...extra,
  };
}

/** Greatest number of agents that ran at once, and per resource, read from the log. */
function overlap(): { node: number; perResource: number } {
  const events = readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" "))
    .map(([kind, rsc, t]) => ({ kind, rsc, t: BigInt(t) }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  let cur = 0;
  let node = 0;
  let perResource = 0;
  const per = new Map<string, number>();
  for (const e of events) {
    const d = e.kind === "begin" ? 1 : -1;
    cur += d;
    per.set(e.rsc, (per.get(e.rsc) ?? 0) + d);
    node = Math.max(node, cur);
    perResource = Math.max(perResource, per.get(e.rsc)!);
  }
  return { node, perResource };
}

describe("OperationRunner", () => {
  it("never runs two operations of one resource at once and keeps their order", async () => {
    writeFileSync(log, "");
    const runner = new OperationRunner({ classes, maxConcurrent: 4 });
    const results = await Promise.all(["start", "monitor", "stop"].map((a) => runner.execute(op("r1", a))));
    expect(results.map((r) => r.request.action)).toEqual(["start", "monitor", "stop"]);
    expect(overlap().perResource).toBe(1);
    expect(results[0].startedAt).toBeLessThanOrEqual(results[1].startedAt);
    // The third waited for two 0.3 s runs: its queue time says so.
    expect(results[2].queueTimeMs).toBeGreaterThanOrEqual(500);
    expect(results[0].execTimeMs).toBeGreaterThanOrEqual(250);
    expect(new Set(results.map((r) => r.callId)).size).toBe(3);
  });

  it("runs at most maxConcurrent operations on the node", async () => {
    writeFileSync(log, "");
    const runner = new OperationRunner({ classes, maxConcurrent: 2 });
    const results = await Promise.all(["a", "b", "c", "d", "e"].map((r) => runner.execute(op(r))));
    expect(results.every((r) => r.rc === 0)).toBe(true);
    const o = overlap();
    expect(o.node).toBe(2);
    expect(Math.max(...results.map((r) => r.queueTimeMs))).toBeGreaterThanOrEqual(250);
  });

  it("repeats a recurring monitor at its interval until cancelled", async () => {
    const runner = new OperationRunner({ classes });
    const seen: OperationResult[] = [];
    runner.startRecurring(op("m1", "monitor", { intervalMs: 150, params: { delay: "0" } }), (r) =>
      seen.push(r),
    );
    await new Promise((r) => setTimeout(r, 900));
    expect(runner.cancel("m1", "monitor", 150)).toBe(true);
    const count = seen.length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(new Set(seen.map((r) => r.callId)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(seen.length).toBe(count);
    expect(runner.recurringKeys()).toEqual([]);
  });

  it("kills an in-flight recurring run on cancel and reports it cancelled (op-status 1)", async () => {
    const runner = new OperationRunner({ classes, killGraceMs: 200 });
    const seen: OperationResult[] = [];
    runner.startRecurring(op("m2", "monitor", { intervalMs: 10_000, params: { delay: "30" } }), (r) =>
      seen.push(r),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(runner.activeCount).toBe(1);
    runner.cancel("m2", "monitor", 10_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(seen.map((r) => [r.status, r.rc])).toEqual([[ExecStatus.CANCELLED, 0]]);
    expect(runner.activeCount).toBe(0);
  });

  it("gives each recurring run its own timeout", async () => {
    const runner = new OperationRunner({ classes, killGraceMs: 100 });
    const first = new Promise<OperationResult>((resolve) =>
      runner.startRecurring(
        op("m3", "monitor", { intervalMs: 60_000, timeoutMs: 300, params: { delay: "5" } }),
        resolve,
      ),
    );
    const r = await first;
    runner.cancelAll();
    expect(r.status).toBe(ExecStatus.TIMEOUT);
    expect(r.execTimeMs).toBeLessThan(1500);
  });

  it("tells every listener about every result", async () => {
    const runner = new OperationRunner({ classes });
    const seen: string[] = [];
    runner.onResult((r) => seen.push(`${r.request.rscId}:${r.request.action}:${r.rc}`));
    await runner.execute(op("l1", "start", { params: { delay: "0", rc: "7" } }));
    expect(seen).toEqual(["l1:start:7"]);
  });
});
