import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentDirs } from "@hbx/lrm";
import { parseXml } from "@hbx/cib";
import { describe, expect, it } from "vitest";
import { agentProblems } from "./agent-checks.js";

/** Agent directories of our own, so the test says exactly what is installed. */
function agentDirs(): AgentDirs {
  const root = mkdtempSync(join(tmpdir(), "hbx-agent-checks-"));
  const dirs = {
    ocfRoot: join(root, "ocf"),
    initDir: join(root, "init.d"),
    heartbeatDirs: [join(root, "ha.d")],
    fenceDirs: [join(root, "fence")],
  };
  const install = (dir: string, name: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), "#!/bin/sh\nexit 0\n");
    chmodSync(join(dir, name), 0o755);
  };
  install(join(dirs.ocfRoot, "resource.d", "heartbeat"), "Dummy");
  install(dirs.initDir, "nginx");
  install(dirs.heartbeatDirs[0], "IPaddr");
  return dirs;
}

const cib = (...prims: string[]) =>
  parseXml(`<cib><configuration><crm_config/><nodes/><resources>${prims.join("")}</resources>
  <constraints/></configuration><status/></cib>`);

describe("agentProblems", () => {
  const dirs = agentDirs();

  it("is silent when every agent is installed here", () => {
    const doc = cib(
      `<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/>`,
      `<primitive id="web" class="lsb" type="nginx"/>`,
      `<group id="g"><primitive id="ip" class="heartbeat" type="IPaddr"/></group>`,
    );
    expect(agentProblems(doc, { dirs })).toEqual([]);
  });

  it("warns about a missing agent, naming the primitive and every path it was looked for at", () => {
    const doc = cib(
      `<primitive id="d" class="ocf" provider="heartbeat" type="Dumy"/>`,
      `<primitive id="ip" class="heartbeat" type="IPadr"/>`,
    );
    expect(agentProblems(doc, { dirs })).toEqual([
      {
        severity: "warning",
        elementId: "d",
        message: `<primitive id="d">: agent ocf:heartbeat:Dumy is not installed on this node (looked for ${dirs.ocfRoot}/resource.d/heartbeat/Dumy); it can run only on nodes that have it`,
      },
      {
        severity: "warning",
        elementId: "ip",
        message: `<primitive id="ip">: agent heartbeat:IPadr is not installed on this node (looked for ${dirs.heartbeatDirs[0]}/IPadr, ${dirs.initDir}/IPadr); it can run only on nodes that have it`,
      },
    ]);
  });

  it("warns that a class Pacemaker knows but hbx does not run cannot run here, and leaves unknown classes to the value check", () => {
    const doc = cib(
      `<primitive id="s" class="systemd" type="nginx"/>`,
      `<primitive id="x" class="ocff" provider="heartbeat" type="Dummy"/>`,
    );
    expect(agentProblems(doc, { dirs }).map((p) => p.message)).toEqual([
      `<primitive id="s">: class 'systemd' agents cannot run on this node: hbx runs ocf, lsb, service, heartbeat, stonith agents`,
    ]);
  });

  it("with `since`, warns only about agents the write adds or changes", () => {
    const before = cib(`<primitive id="a" class="ocf" provider="heartbeat" type="Gone"/>`);
    const after = cib(
      `<primitive id="a" class="ocf" provider="heartbeat" type="Gone"/>`,
      `<primitive id="b" class="ocf" provider="heartbeat" type="Dumy"/>`,
    );
    expect(agentProblems(after, { since: before, dirs }).map((p) => p.elementId)).toEqual(["b"]);
  });
});
