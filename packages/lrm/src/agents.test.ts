import { mkdtempSync, rmSync, existsSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExecStatus, OcfExitCode } from "./codes.js";
import { agentClasses, defaultAgentDirs } from "./classes/index.js";
import { executeAgent } from "./execute.js";
import { type AgentSpec, type OperationRequest } from "./types.js";

const OCF = "/usr/lib/ocf/resource.d";
const haveHeartbeatDummy = existsSync(`${OCF}/heartbeat/Dummy`);
const havePacemakerDummy = existsSync(`${OCF}/pacemaker/Dummy`);
const haveStateful = existsSync(`${OCF}/pacemaker/Stateful`);

const tmp = mkdtempSync(join(tmpdir(), "hbx-lrm-agents-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function req(
  spec: AgentSpec,
  action: string,
  params: Record<string, string>,
  extra: Partial<OperationRequest> = {},
): OperationRequest {
  return { rscId: "rsc1", spec, action, intervalMs: 0, timeoutMs: 20_000, params, ...extra };
}

async function run(r: OperationRequest, classes = agentClasses()) {
  return executeAgent(r, { classes }).done;
}

describe.each([
  { provider: "heartbeat", available: haveHeartbeatDummy },
  { provider: "pacemaker", available: havePacemakerDummy },
])("ocf:$provider:Dummy", ({ provider, available }) => {
  it.skipIf(!available)("starts, monitors 0, stops, then monitors 7 (not running)", async () => {
    const spec: AgentSpec = { standard: "ocf", provider, type: "Dummy" };
    const state = join(tmp, `dummy-${provider}.state`);
    const p = { state };
    expect((await run(req(spec, "monitor", p))).rc).toBe(OcfExitCode.NOT_RUNNING);
    const start = await run(req(spec, "start", p));
    expect([start.rc, start.status]).toEqual([0, ExecStatus.DONE]);
    expect(existsSync(state)).toBe(true);
    expect((await run(req(spec, "monitor", p))).rc).toBe(OcfExitCode.OK);
    expect((await run(req(spec, "stop", p))).rc).toBe(OcfExitCode.OK);
    expect(existsSync(state)).toBe(false);
    expect((await run(req(spec, "monitor", p))).rc).toBe(OcfExitCode.NOT_RUNNING);
  });
});

describe.skipIf(!haveStateful)("ocf:pacemaker:Stateful", () => {
  it("promotes (monitor 8) and demotes (monitor 0)", async () => {
    const spec: AgentSpec = { standard: "ocf", provider: "pacemaker", type: "Stateful" };
    const p = { state: join(tmp, "stateful.state") };
    // crm_attribute (used by the agent for promotion scores) has no cluster here; not our concern.
    expect((await run(req(spec, "start", p))).rc).toBe(0);
    expect((await run(req(spec, "monitor", p, { intervalMs: 10_000 }))).rc).toBe(OcfExitCode.OK);
    expect((await run(req(spec, "promote", p))).rc).toBe(0);
    expect((await run(req(spec, "monitor", p, { intervalMs: 10_000 }))).rc).toBe(
      OcfExitCode.RUNNING_PROMOTED,
    );
    expect((await run(req(spec, "demote", p))).rc).toBe(0);
    expect((await run(req(spec, "monitor", p, { intervalMs: 10_000 }))).rc).toBe(OcfExitCode.OK);
    expect((await run(req(spec, "stop", p))).rc).toBe(0);
    expect((await run(req(spec, "monitor", p))).rc).toBe(OcfExitCode.NOT_RUNNING);
  });
});

describe("agents that misbehave, in a private OCF root", () => {
  const root = join(tmp, "ocf");
  mkdirSync(join(root, "resource.d", "hbxtest"), { recursive: true });
  const agent = (name: string, body: string): AgentSpec => {
    const path = join(root, "resource.d", "hbxtest", name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return { standard: "ocf", provider: "hbxtest", type: name };
  };
  const classes = agentClasses({ ...defaultAgentDirs(), ocfRoot: root });

  it("kills a hung agent and every child at the timeout, recording op-status 2 (timeout)", async () => {
    const marker = `hbx-hang-${process.pid}`;
    // The agent and a child both ignore TERM; only the group SIGKILL ends them.
    const spec = agent(
      "Hang",
      `trap '' TERM\n(trap '' TERM; exec -a ${marker} sleep 300) &\nsleep 300 & wait`,
    );
    const t0 = Date.now();
    const ex = executeAgent(req(spec, "start", {}, { timeoutMs: 500 }), { classes, killGraceMs: 300 });
    const r = await ex.done;
    expect(r.status).toBe(ExecStatus.TIMEOUT);
    expect(r.rc).toBe(OcfExitCode.UNKNOWN_ERROR);
    expect(r.exitReason).toBe("Resource agent did not exit within specified timeout");
    expect(Date.now() - t0).toBeLessThan(3000);
    await new Promise((res) => setTimeout(res, 200));
    // Zombies (state Z) are dead and only wait for a reaper; anything else in the group lives.
    const survivors = execFileSync("ps", ["-eo", "pid=,pgid=,stat=,args="], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter(
        ([, pgid, stat, ...args]) =>
          (pgid === String(ex.pid) || args.join(" ").includes(marker)) && !stat?.startsWith("Z"),
      );
    expect(survivors).toEqual([]);
  });

  it("keeps a 10 MB flood of output bounded", async () => {
    const spec = agent("Flood", "head -c 10485760 /dev/zero | tr '\\0' 'x'\necho tail-marker\nexit 0");
    const ex = executeAgent(req(spec, "monitor", {}), { classes, headBytes: 4096, tailBytes: 4096 });
    const r = await ex.done;
    expect(r.rc).toBe(0);
    expect(r.outputTruncated).toBe(true);
    expect(r.stdout.length).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/bytes of output dropped/);
    expect(r.stdout.trimEnd().endsWith("tail-marker")).toBe(true);
  });

  it("reads the exit reason from the last ocf-exit-reason: line on stderr", async () => {
    const spec = agent(
      "Reason",
      "echo 'ocf-exit-reason:first' >&2\necho 'ocf-exit-reason:Unable to find nic' >&2\nexit 6",
    );
    const r = await run(req(spec, "start", {}), classes);
    expect([r.rc, r.status, r.exitReason]).toEqual([6, ExecStatus.DONE, "Unable to find nic"]);
  });

  it("passes instance attributes, meta attributes and the OCF environment", async () => {
    const spec = agent("Env", "env | grep -E '^OCF_' | sort");
    const r = await run(
      req(
        spec,
        "monitor",
        { ip: "10.9.9.9" },
        { rscId: "vip", intervalMs: 10_000, timeoutMs: 7000, meta: { "clone-max": "2" } },
      ),
      classes,
    );
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(env).toMatchObject({
      OCF_ROOT: root,
      OCF_FUNCTIONS_DIR: join(root, "lib", "heartbeat"),
      OCF_RA_VERSION_MAJOR: "1",
      OCF_RESOURCE_INSTANCE: "vip",
      OCF_RESOURCE_TYPE: "Env",
      OCF_RESOURCE_PROVIDER: "hbxtest",
      OCF_RESKEY_ip: "10.9.9.9",
      OCF_RESKEY_CRM_meta_timeout: "7000",
      OCF_RESKEY_CRM_meta_interval: "10000",
      OCF_RESKEY_CRM_meta_clone_max: "2",
    });
  });

  it("reports a missing agent as rc 5, not installed, without running anything", async () => {
    const r = await run(req({ standard: "ocf", provider: "hbxtest", type: "NoSuch" }, "start", {}), classes);
    expect([r.rc, r.status, r.exitReason, r.pid]).toEqual([
      5,
      ExecStatus.NOT_INSTALLED,
      "NoSuch: No such file or directory",
      0,
    ]);
    const l = await run(req({ standard: "lsb", type: "hbx-no-such-service" }, "start", {}));
    expect([l.rc, l.status, l.exitReason]).toEqual([
      5,
      ExecStatus.NOT_INSTALLED,
      "/etc/init.d/hbx-no-such-service: No such file or directory",
    ]);
  });
});
