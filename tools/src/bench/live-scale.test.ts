import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, parseXml } from "@hbx/cib";
import { describe, expect, it } from "vitest";
import {
  type ScaleRun,
  formatScaleTable,
  parseProcMemory,
  scaleVerdicts,
  summarizeStatus,
  takeScaleArgs,
} from "./live-scale-report.js";
import { FAST, measureScale } from "./live-scale.js";

const run = (over: Partial<ScaleRun> = {}): ScaleRun => ({
  agent: "ocf:hbxbench:Fast",
  resources: 1000,
  started: 1000,
  startSeconds: 12.5,
  drainedFrom: 333,
  moved: 333,
  drainSeconds: 3.25,
  busBytes: 4_000_000,
  results: 4666,
  rssKb: 204800,
  peakRssKb: 256000,
  worstHeartbeatMs: 540.25,
  keepaliveMs: 500,
  ...over,
});

const op = (rsc: string, operation: string, rc: string, callId: number, suffix = "last_0"): string =>
  `<lrm_rsc_op id="${rsc}_${suffix}" operation="${operation}" rc-code="${rc}" op-status="0" call-id="${callId}"/>`;

describe("the live-scale report", () => {
  it("prints a markdown table with each target beside the measured value and its verdict", () => {
    const lines = formatScaleTable([
      run(),
      run({ agent: "ocf:heartbeat:Dummy", resources: 100, started: 99 }),
    ])
      .trimEnd()
      .split("\n");
    expect(lines[0]).toBe("| measure | target | ocf:hbxbench:Fast × 1000 | ocf:heartbeat:Dummy × 100 |");
    expect(lines[1]).toBe("| --- | --- | --- | --- |");
    expect(lines[2]).toBe(
      "| all started after the resources were added | all | 1000/1000 in 12.50 s PASS | 99/100 in 12.50 s MISS |",
    );
    expect(lines[3]).toContain("| ≤ 5 s (300 resources) | 333/333 moved in 3.25 s PASS |");
    expect(lines[4]).toContain("| ≤ 4096 B | 857 B (4000000 B / 4666) PASS |");
    expect(lines[5]).toContain("| 200.0 MB (250.0 MB) |");
    expect(lines[6]).toContain("| ≤ 600 ms (keepalive 500 ms + 20%) | 540.3 ms PASS |");
  });

  it("misses the drain target when it is slow or leaves a resource behind, and the heartbeat one past keepalive + 20%", () => {
    expect(scaleVerdicts(run({ drainSeconds: 5.01 })).drain).toBe("MISS");
    expect(scaleVerdicts(run({ moved: 332 })).drain).toBe("MISS");
    expect(scaleVerdicts(run({ worstHeartbeatMs: 600.5 })).heartbeat).toBe("MISS");
    expect(scaleVerdicts(run({ busBytes: 4097 * 4666 })).bytes).toBe("MISS");
    expect(scaleVerdicts(run({ results: 0 })).bytes).toBe("MISS");
  });

  it("reads the resident and peak memory from /proc/PID/status, and nothing from a text without them", () => {
    const status = "Name:\tnode\nVmHWM:\t  123456 kB\nVmRSS:\t   98765 kB\nThreads:\t11\n";
    expect(parseProcMemory(status)).toEqual({ rssKb: 98765, peakKb: 123456 });
    expect(parseProcMemory("Name:\tkthreadd\n")).toBeUndefined();
  });

  it("places a resource by its last operation and counts results as the highest call-id of each node", () => {
    const cib = parseXml(
      `<cib><configuration/><status>
        <node_state id="1" uname="alpha"><lrm id="1"><lrm_resources>
          <lrm_resource id="a">${op("a", "stop", "0", 7)}${op("a", "monitor", "0", 3, "monitor_10000")}</lrm_resource>
          <lrm_resource id="b">${op("b", "start", "0", 5)}</lrm_resource>
        </lrm_resources></lrm></node_state>
        <node_state id="2" uname="bravo"><lrm id="2"><lrm_resources>
          <lrm_resource id="a">${op("a", "start", "0", 4)}</lrm_resource>
          <lrm_resource id="b">${op("b", "monitor", "7", 2)}</lrm_resource>
          <lrm_resource id="c">${op("c", "start", "1", 6)}</lrm_resource>
        </lrm_resources></lrm></node_state>
      </status></cib>`,
      "test",
    );
    const s = summarizeStatus(cib);
    expect(Object.fromEntries(s.runningOn)).toEqual({ a: ["bravo"], b: ["alpha"] });
    expect(s.results).toBe(7 + 6);
  });

  it("takes its own options out of bench:live's command line and leaves the writes' options", () => {
    expect(takeScaleArgs(["--clients", "6", "--scale=50", "--dummy", "0", "--skip-writes"])).toEqual({
      scale: 50,
      dummy: 0,
      skipScale: false,
      skipWrites: true,
      rest: ["--clients", "6"],
    });
    expect(() => takeScaleArgs(["--scale", "lots"])).toThrow(
      '--scale expects a whole number, 1 or more, found "lots"',
    );
    expect(() => takeScaleArgs(["--dummy"])).toThrow('--dummy expects a whole number, 0 or more, found ""');
    expect(() => takeScaleArgs(["--skip-scale", "--skip-writes"])).toThrow("leave nothing to run");
  });
});

const built = existsSync(join(repoRoot, "packages/crmd/dist/crm/mode.js"));
const cliBuilt = existsSync(join(repoRoot, "packages/cli/dist/crm_standby/main.js"));

describe.skipIf(!built || !cliBuilt)(
  `the live-scale run ${built && cliBuilt ? "" : "(skipped: hbxd or crm_standby not built, run npx tsc -b tsconfig.build.json)"}`,
  () => {
    it("starts 50 fast resources on three real hbxd and moves every one off the node put in standby", async () => {
      const r = await measureScale(FAST, 50, () => undefined);
      expect(r.started).toBe(50);
      expect(r.drainedFrom).toBeGreaterThan(0);
      expect(r.moved).toBe(r.drainedFrom);
      // 3 probes and a start per resource, a stop and a start per moved one, at least.
      expect(r.results).toBeGreaterThanOrEqual(4 * 50 + 2 * r.drainedFrom);
      expect(r.busBytes).toBeGreaterThan(0);
      expect(r.rssKb).toBeGreaterThan(0);
      expect(r.worstHeartbeatMs).toBeGreaterThan(0);
    }, 120_000);
  },
);
