import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { executeAgent, type AgentSpec, type OperationRequest } from "@hbx/lrm";

/**
 * A real Debian init script through the LSB class: nginx-light's /etc/init.d/nginx. The test
 * starts nginx only when it was not already running, and always leaves it stopped.
 */
const script = "/etc/init.d/nginx";
const isRoot = process.getuid?.() === 0;
const running = (): boolean => spawnSync("pgrep", ["-x", "nginx"]).status === 0;
const available = isRoot && existsSync(script) && existsSync("/usr/sbin/nginx") && !running();

const spec: AgentSpec = { standard: "lsb", type: "nginx" };
function req(action: string): OperationRequest {
  return { rscId: "web", spec, action, intervalMs: 0, timeoutMs: 30_000, params: {} };
}
const run = async (action: string) => executeAgent(req(action)).done;

afterAll(() => {
  if (available && running()) spawnSync(script, ["stop"]);
});

describe.skipIf(!available)("lsb:nginx", () => {
  it("starts (status 0), stops (status 3 → 7), and a second stop is fine", async () => {
    expect((await run("monitor")).rc).toBe(7);
    const start = await run("start");
    expect([start.rc, start.stdout + start.stderr]).toEqual([0, expect.any(String)]);
    expect(running()).toBe(true);
    // The daemon outlives the init script: a successful start must not kill its group.
    expect(execFileSync("pgrep", ["-x", "nginx"], { encoding: "utf8" }).trim()).not.toBe("");
    expect((await run("monitor")).rc).toBe(0);
    expect((await run("stop")).rc).toBe(0);
    expect(running()).toBe(false);
    expect((await run("monitor")).rc).toBe(7);
    // Stop on a stopped service: Debian's script says 0, which is what LSB asks for.
    expect((await run("stop")).rc).toBe(0);
  });
});
