import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecStatus, type OperationRequest, type OperationResult, OperationRunner } from "@hbx/lrm";
import { afterEach, describe, expect, it } from "vitest";
import { LocalLrm } from "./local-lrm.js";

const DUMMY = "/usr/lib/ocf/resource.d/heartbeat/Dummy";

describe.skipIf(!existsSync(DUMMY))("LocalLrm with the real Dummy agent", () => {
  let dir: string;
  let lrm: LocalLrm | undefined;
  afterEach(() => {
    lrm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a recurring monitor with its first run and reports the run whose rc changed", async () => {
    dir = mkdtempSync(join(tmpdir(), "hbx-lrm-"));
    const reported: OperationResult[] = [];
    lrm = new LocalLrm(new OperationRunner(), (r) => reported.push(r));
    const req = (action: string, intervalMs = 0): OperationRequest => ({
      rscId: "d",
      spec: { standard: "ocf", provider: "heartbeat", type: "Dummy" },
      action,
      intervalMs,
      timeoutMs: 10_000,
      params: {},
      env: { HA_RSCTMP: dir },
    });
    expect((await lrm.run(req("start"))).rc).toBe(0);
    const first = await lrm.run(req("monitor", 100));
    expect(first.rc).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    expect(reported).toEqual([]); // unchanged rc: nothing to report
    rmSync(join(dir, "Dummy-d.state"));
    const end = Date.now() + 3000;
    while (reported.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(reported.map((r) => [r.request.action, r.request.intervalMs, r.rc])).toEqual([
      ["monitor", 100, 7],
    ]);
    // What a new DC is told at join: the monitor's latest result.
    expect(lrm.recurringResults().map((r) => [r.request.rscId, r.request.intervalMs, r.rc])).toEqual([
      ["d", 100, 7],
    ]);
    // A stop cancels the monitor: no more reports after it, and nothing left to tell.
    expect((await lrm.run(req("stop"))).rc).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(reported).toHaveLength(1);
    expect(lrm.recurringResults()).toEqual([]);
  });

  it("ends a recurring monitor on the pengine's cancel without running an agent, answering a cancelled monitor", async () => {
    dir = mkdtempSync(join(tmpdir(), "hbx-lrm-"));
    const reported: OperationResult[] = [];
    const runner = new OperationRunner();
    lrm = new LocalLrm(runner, (r) => reported.push(r));
    const req = (action: string, intervalMs = 0): OperationRequest => ({
      rscId: "d",
      spec: { standard: "ocf", provider: "heartbeat", type: "Dummy" },
      action,
      intervalMs,
      timeoutMs: 10_000,
      params: {},
      env: { HA_RSCTMP: dir },
    });
    expect((await lrm.run(req("start"))).rc).toBe(0);
    expect((await lrm.run(req("monitor", 100))).rc).toBe(0);
    expect(runner.recurringKeys()).toEqual(["d_monitor_100"]);
    const cancelled = await lrm.run(req("cancel", 100));
    expect([cancelled.request.action, cancelled.request.intervalMs, cancelled.status, cancelled.pid]).toEqual(
      ["monitor", 100, ExecStatus.CANCELLED, 0],
    );
    expect(runner.recurringKeys()).toEqual([]);
    expect(lrm.recurringResults()).toEqual([]);
    // The service dies after the cancel: nobody watches it any more, so nothing is reported.
    rmSync(join(dir, "Dummy-d.state"));
    await new Promise((r) => setTimeout(r, 350));
    expect(reported).toEqual([]);
  });
});
