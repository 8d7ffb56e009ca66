import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executeAgent, getMetadata, type AgentSpec, type OperationRequest } from "@hbx/lrm";

const tmp = mkdtempSync(join(tmpdir(), "hbx-lrm-stonith-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function req(spec: AgentSpec, action: string, params: Record<string, string>): OperationRequest {
  return { rscId: "fence1", spec, action, intervalMs: 0, timeoutMs: 20_000, params };
}
const alive = (pid: number): boolean => spawnSync("kill", ["-0", String(pid)]).status === 0;

describe("stonith:fence_hbx_local", () => {
  const spec: AgentSpec = { standard: "stonith", type: "fence_hbx_local" };

  it("fences a local process by its pid file: status on, off, status off", async () => {
    // A stand-in hbxd: a real process with a pid file, in its own group so the kill is the agent's.
    const victim = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
    const pidfile = join(tmp, "hbxd.pid");
    writeFileSync(pidfile, `${victim.pid}\n`);
    const p = { pidfile, pcmk_host_list: "node2" };
    try {
      expect((await executeAgent(req(spec, "start", p)).done).rc).toBe(0);
      expect((await executeAgent(req(spec, "status", p)).done).rc).toBe(0);
      expect((await executeAgent(req(spec, "off", p)).done).rc).toBe(0);
      expect(alive(victim.pid!)).toBe(false);
      expect((await executeAgent(req(spec, "status", p)).done).rc).toBe(7);
      expect((await executeAgent(req(spec, "stop", p)).done).rc).toBe(0);
    } finally {
      if (alive(victim.pid!)) victim.kill("SIGKILL");
    }
  });

  it("describes itself in fence-agent meta-data", async () => {
    const md = await getMetadata(spec);
    expect(md.name).toBe("fence_hbx_local");
    expect(md.parameters.map((x) => x.name)).toEqual(
      expect.arrayContaining(["action", "pidfile", "process"]),
    );
    expect(md.actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(["off", "reboot", "status", "monitor", "metadata"]),
    );
  });
});

describe.skipIf(!existsSync("/usr/sbin/fence_dummy"))(
  "stonith:fence_dummy from Debian's fence-agents",
  () => {
    const spec: AgentSpec = { standard: "stonith", type: "fence_dummy" };
    it("answers monitor and reboot through options on stdin", async () => {
      const p = { type: "file", status_file: join(tmp, "dummy.status") };
      writeFileSync(p.status_file, "on");
      expect((await executeAgent(req(spec, "monitor", p)).done).rc).toBe(0);
      expect((await executeAgent(req(spec, "status", p)).done).rc).toBe(0);
      expect((await executeAgent(req(spec, "off", p)).done).rc).toBe(0);
      expect((await executeAgent(req(spec, "status", p)).done).rc).toBe(7);
      const md = await getMetadata(spec);
      expect(md.name).toBe("fence_dummy");
    });
  },
);
