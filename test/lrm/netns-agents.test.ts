import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecStatus, executeAgent, type AgentSpec, type OperationRequest } from "@hbx/lrm";

/**
 * Floating addresses with real agents, each test in a network namespace it makes itself
 * (a veth pair inside it, 10.77.0.0/24): nothing touches the machine's own interfaces.
 */
const isRoot = process.getuid?.() === 0;
const haveIp = spawnSync("ip", ["-V"]).status === 0;
const ns = `hbxlrm${process.pid}`;
let nsReady = false;
const tmp = mkdtempSync(join(tmpdir(), "hbx-lrm-netns-"));

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8" });
}

function addresses(): string {
  return ip("-n", ns, "-4", "addr", "show", "dev", "v0");
}

beforeAll(() => {
  if (!isRoot || !haveIp) return;
  try {
    ip("netns", "add", ns);
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
    ip("-n", ns, "addr", "add", "10.77.0.1/24", "dev", "v0");
    ip("-n", ns, "link", "set", "v0", "up");
    ip("-n", ns, "link", "set", "v1", "up");
    nsReady = true;
  } catch {
    nsReady = false;
  }
});

afterAll(() => {
  if (nsReady) spawnSync("ip", ["netns", "del", ns]);
  rmSync(tmp, { recursive: true, force: true });
});

const inNs = { commandPrefix: ["ip", "netns", "exec", ns] };

function req(spec: AgentSpec, action: string, params: Record<string, string>): OperationRequest {
  return { rscId: "vip", spec, action, intervalMs: 0, timeoutMs: 20_000, params, env: { HA_RSCTMP: tmp } };
}

describe.skipIf(!isRoot || !haveIp)("agents that manage addresses, in a network namespace", () => {
  it("ocf:heartbeat:IPaddr2 adds the address on start and removes it on stop", async () => {
    expect(nsReady).toBe(true);
    const spec: AgentSpec = { standard: "ocf", provider: "heartbeat", type: "IPaddr2" };
    const p = { ip: "10.77.0.10", cidr_netmask: "24", nic: "v0" };
    const run = async (action: string) => (await executeAgent(req(spec, action, p), inNs).done).rc;
    expect(await run("monitor")).toBe(7);
    expect(await run("start")).toBe(0);
    expect(addresses()).toContain("10.77.0.10/24");
    expect(await run("monitor")).toBe(0);
    expect(await run("stop")).toBe(0);
    expect(addresses()).not.toContain("10.77.0.10");
    expect(await run("monitor")).toBe(7);
  });

  it("heartbeat-class IPaddr takes haresources arguments (IPaddr::10.77.0.11/24/v0)", async () => {
    expect(nsReady).toBe(true);
    const spec: AgentSpec = { standard: "heartbeat", type: "IPaddr" };
    const args = { "1": "10.77.0.11/24/v0" };
    const run = async (action: string) => executeAgent(req(spec, action, args), inNs).done;
    expect((await run("status")).rc).toBe(7);
    const start = await run("start");
    expect([start.rc, start.status]).toEqual([0, ExecStatus.DONE]);
    expect(addresses()).toContain("10.77.0.11/24");
    const status = await run("monitor");
    expect(status.rc).toBe(0);
    expect((await run("stop")).rc).toBe(0);
    expect(addresses()).not.toContain("10.77.0.11");
    expect((await run("status")).rc).toBe(7);
  });
});

describe("heartbeat-class Delay", () => {
  it("starts after its delay, reports running, stops, reports stopped", async () => {
    const spec: AgentSpec = { standard: "heartbeat", type: "Delay" };
    const args = { "1": "1", "2": "0" };
    // Delay's status sleeps mondelay (30 s by default) when asked by a monitor; not here.
    const run = async (action: string) =>
      executeAgent({ ...req(spec, action, args), env: { HA_RSCTMP: tmp, OCF_RESKEY_mondelay: "0" } }).done;
    const first = await run("status");
    expect(first.stdout + first.stderr).toMatch(/stopped/);
    expect(first.rc).toBe(7);
    const start = await run("start");
    expect(start.rc).toBe(0);
    expect(start.finishedAt - start.startedAt).toBeGreaterThanOrEqual(900);
    const status = await run("status");
    expect(status.stdout + status.stderr).toMatch(/running|OK/);
    expect(status.rc).toBe(0);
    expect((await run("stop")).rc).toBe(0);
    expect((await run("status")).rc).toBe(7);
  });
});
