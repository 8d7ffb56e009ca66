import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { type AutoFailback, type HaresourcesResource, loadHaCf, parseHaresources } from "@hbx/transport";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createV1Mode } from "../mode.js";
import { type AgentAction, type GroupId } from "../types.js";
import { InProcessNetwork } from "./in-process-cluster.js";
import { LrmAgents, type V1AgentResult, type V1Agents } from "./agents.js";
import { type V1Driver } from "./driver.js";

const ROOT = repoRoot;
const STANDIN = join(ROOT, "examples/lib/standin-daemon");

interface OpRecord {
  node: string;
  action: AgentAction;
  resource: string;
  ok: boolean;
  startedAt: number;
  finishedAt: number;
}

/** The real LRM agents, with every call recorded (node, action, when it started and ended). */
class RecordingAgents implements V1Agents {
  constructor(
    private readonly inner: V1Agents,
    private readonly node: string,
    private readonly log: OpRecord[],
  ) {}
  async run(group: GroupId, r: HaresourcesResource, action: AgentAction): Promise<V1AgentResult> {
    const startedAt = performance.now();
    const res = await this.inner.run(group, r, action);
    this.log.push({
      node: this.node,
      action,
      resource: r.text,
      ok: res.ok,
      startedAt,
      finishedAt: performance.now(),
    });
    return res;
  }
}

async function waitFor(what: string, pred: () => boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("v1 mode with real agents: the examples' stand-in service via real child processes", () => {
  let dir: string;
  let state: string;
  let ops: OpRecord[];
  let drivers: V1Driver[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hbx-v1-"));
    state = join(dir, "state");
    mkdirSync(join(dir, "resource.d"));
    for (const name of ["web", "app", "cache"]) symlinkSync(STANDIN, join(dir, "resource.d", name));
    ops = [];
    drivers = [];
  });

  afterEach(() => {
    for (const d of drivers) d.stop();
    // Whatever still runs (a test that failed half-way) is killed by its pid file.
    if (existsSync(state)) {
      for (const f of readdirSync(state)) {
        try {
          process.kill(Number(readFileSync(join(state, f), "utf8")));
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Is the stand-in daemon `name` running for `node` (its pid file names a live process)? */
  function running(name: string, node: string): boolean {
    const file = join(state, `${name}.${node}.pid`);
    if (!existsSync(file)) return false;
    // A killed daemon may linger as a zombie when nothing reaps orphans here: not running.
    const stat = `/proc/${Number(readFileSync(file, "utf8"))}/stat`;
    return existsSync(stat) && readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
  }

  function startNode(net: InProcessNetwork, node: string, autoFailback: AutoFailback): V1Driver {
    const haCf = {
      ...loadHaCf(join(ROOT, "examples/three-services/ha.cf")),
      autoFailback,
      initdeadMs: 1000,
    };
    const haresources = parseHaresources("alpha web app cache #services\n", join(dir, "haresources"));
    const agents = new LrmAgents({
      node,
      dirs: {
        ocfRoot: "/usr/lib/ocf",
        initDir: join(dir, "init.d"),
        heartbeatDirs: [join(dir, "resource.d")],
        fenceDirs: [],
      },
      env: { HBX_EXAMPLE_STATE: state },
    });
    const driver = createV1Mode({
      haCf,
      haresources,
      node,
      cluster: net.join(node),
      logger: pino({ level: "silent" }),
      agents: new RecordingAgents(agents, node, ops),
    });
    drivers.push(driver);
    driver.start();
    return driver;
  }

  /** alpha's machine dies: hbxd stops answering and its processes die with it. */
  function killNode(net: InProcessNetwork, driver: V1Driver, node: string): void {
    driver.stop();
    net.crash(node);
    for (const name of ["web", "app", "cache"]) {
      const file = join(state, `${name}.${node}.pid`);
      if (!existsSync(file)) continue;
      process.kill(Number(readFileSync(file, "utf8")));
      // The machine comes back with a clean /run: no stale pid file (whose killed process may
      // linger as a zombie here and fool the script's own "already running" check).
      rmSync(file);
    }
  }

  async function failover(failback: AutoFailback) {
    const net = new InProcessNetwork(["alpha", "bravo"]);
    const alpha = startNode(net, "alpha", failback);
    const bravo = startNode(net, "bravo", failback);
    await waitFor("alpha to start the group", () => alpha.groupStates().get("services") === "started");
    expect(["web", "app", "cache"].map((n) => running(n, "alpha"))).toEqual([true, true, true]);
    expect(running("web", "bravo")).toBe(false);
    expect(alpha.rscStatus()).toBe("local");
    expect(bravo.rscStatus()).toBe("none");
    expect(ops.filter((o) => o.node === "alpha").map((o) => `${o.action} ${o.resource}`)).toEqual([
      "start web",
      "start app",
      "start cache",
    ]);

    const diedAt = performance.now();
    killNode(net, alpha, "alpha");
    await waitFor("bravo to take the group over", () => bravo.groupStates().get("services") === "started");
    const failoverMs = performance.now() - diedAt;
    expect(["web", "app", "cache"].map((n) => running(n, "bravo"))).toEqual([true, true, true]);
    expect(bravo.rscStatus()).toBe("foreign");
    ops.length = 0;

    const alpha2 = startNode(net, "alpha", failback);
    return { net, alpha: alpha2, bravo, failoverMs };
  }

  it("alpha starts the group; alpha dies, bravo takes over; alpha returns and, with auto_failback on, gets it back", async () => {
    const { alpha, bravo, failoverMs } = await failover("on");
    // Well under a second on an idle machine: the survivor needs nobody's grant.
    expect(failoverMs).toBeLessThan(3000);
    await waitFor("the group back on alpha", () => alpha.groupStates().get("services") === "started");
    expect(bravo.groupStates().get("services")).toBe("stopped");
    expect(["web", "app", "cache"].map((n) => running(n, "bravo"))).toEqual([false, false, false]);
    expect(["web", "app", "cache"].map((n) => running(n, "alpha"))).toEqual([true, true, true]);
    // bravo stopped in reverse order, and alpha started nothing before bravo's last stop ended.
    expect(ops.map((o) => `${o.node} ${o.action} ${o.resource}`)).toEqual([
      "bravo stop cache",
      "bravo stop app",
      "bravo stop web",
      "alpha start web",
      "alpha start app",
      "alpha start cache",
    ]);
    expect(ops[3].startedAt).toBeGreaterThanOrEqual(ops[2].finishedAt);
    expect(alpha.rscStatus()).toBe("local");
    expect(bravo.rscStatus()).toBe("none");
  }, 30000);

  it("with auto_failback off the group stays on bravo when alpha returns", async () => {
    const { alpha, bravo } = await failover("off");
    await waitFor("alpha to know bravo's state", () => alpha.groupStates().get("services") === "stopped");
    await new Promise((r) => setTimeout(r, 1500));
    expect(bravo.groupStates().get("services")).toBe("started");
    expect(alpha.groupStates().get("services")).toBe("stopped");
    expect(ops).toEqual([]);
    expect(["web", "app", "cache"].map((n) => running(n, "bravo"))).toEqual([true, true, true]);
    expect(running("web", "alpha")).toBe(false);
  }, 30000);

  it("hb_standby on the holder moves the group to the other node, stopping before starting", async () => {
    const net = new InProcessNetwork(["alpha", "bravo"]);
    const alpha = startNode(net, "alpha", "on");
    const bravo = startNode(net, "bravo", "on");
    await waitFor("alpha to start the group", () => alpha.groupStates().get("services") === "started");
    ops.length = 0;
    alpha.standby("local");
    expect(alpha.rscStatus()).toBe("transition");
    await waitFor("bravo to hold the group", () => bravo.groupStates().get("services") === "started");
    expect(ops.map((o) => `${o.node} ${o.action} ${o.resource}`)).toEqual([
      "alpha stop cache",
      "alpha stop app",
      "alpha stop web",
      "bravo start web",
      "bravo start app",
      "bravo start cache",
    ]);
    expect(running("web", "alpha")).toBe(false);
    expect(running("web", "bravo")).toBe(true);
    // A clean shutdown of bravo hands the group back to alpha.
    await bravo.shutdown();
    bravo.stop();
    net.crash("bravo");
    await waitFor("alpha to hold the group again", () => alpha.groupStates().get("services") === "started");
    expect(running("web", "bravo")).toBe(false);
  }, 30000);
});
