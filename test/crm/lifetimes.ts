/**
 * An OCF root for tests whose resources record when each node's copy lives: `ocf:hbxtest:Lifetime`
 * writes "start NODE NS" before the real ocf:heartbeat:Dummy starts and "stop NODE NS" after it
 * stopped, so the recorded lifetimes cover the real ones, and any overlap between two nodes'
 * copies is an overlap that really happened.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CrmCluster, DUMMY_AGENT, ensureBuilt } from "./cluster.js";

export interface LifetimeEvent {
  what: "start" | "stop";
  rsc: string;
  node: string;
  atNs: bigint;
}

export class LifetimeAgents {
  readonly ocfRoot: string;
  readonly logFile: string;

  constructor(dir: string) {
    this.ocfRoot = join(dir, "ocf");
    this.logFile = join(dir, "lifetimes.log");
    mkdirSync(join(this.ocfRoot, "resource.d", "hbxtest"), { recursive: true });
    if (!existsSync(join(this.ocfRoot, "lib"))) symlinkSync("/usr/lib/ocf/lib", join(this.ocfRoot, "lib"));
    const agent = join(this.ocfRoot, "resource.d", "hbxtest", "Lifetime");
    writeFileSync(
      agent,
      `#!/bin/sh
# Test agent: the real Dummy, with each node's lifetime of the resource written down.
now() { date +%s%N; }
case "$1" in
  start) echo "start $OCF_RESOURCE_INSTANCE $HBX_TEST_NODE $(now)" >> "$HBX_LIFETIME_LOG"
         exec ${DUMMY_AGENT} start ;;
  stop)  ${DUMMY_AGENT} stop; rc=$?
         echo "stop $OCF_RESOURCE_INSTANCE $HBX_TEST_NODE $(now)" >> "$HBX_LIFETIME_LOG"
         exit $rc ;;
  *)     exec ${DUMMY_AGENT} "$@" ;;
esac
`,
    );
    chmodSync(agent, 0o755);
    writeFileSync(this.logFile, "");
  }

  /** Build hbxd and start every node of `cluster` with its agents recording here. */
  startCluster(cluster: CrmCluster): void {
    ensureBuilt();
    for (const n of cluster.nodes) n.env = this.envFor(n.name);
    cluster.start();
  }

  /** The environment a node's hbxd needs for its agents to record under its name. */
  envFor(node: string): Record<string, string> {
    return { OCF_ROOT: this.ocfRoot, HBX_TEST_NODE: node, HBX_LIFETIME_LOG: this.logFile };
  }

  events(): LifetimeEvent[] {
    return readFileSync(this.logFile, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const [what, rsc, node, at] = l.split(" ");
        return { what: what as "start" | "stop", rsc: rsc!, node: node!, atNs: BigInt(at!) };
      })
      .sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
  }

  /** Every moment a resource ran on two nodes at once: "rsc on a+b at t". */
  overlaps(): string[] {
    const running = new Map<string, Set<string>>();
    const out: string[] = [];
    for (const e of this.events()) {
      const set = running.get(e.rsc) ?? new Set<string>();
      running.set(e.rsc, set);
      if (e.what === "stop") set.delete(e.node);
      else {
        set.add(e.node);
        if (set.size > 1) out.push(`${e.rsc} on ${[...set].join("+")} at ${e.atNs}`);
      }
    }
    return out;
  }

  /** How long, in all, any resource ran on more than one node (ms). */
  overlapMs(): number {
    const running = new Map<string, Set<string>>();
    let since: bigint | undefined;
    let total = 0n;
    for (const e of this.events()) {
      const set = running.get(e.rsc) ?? new Set<string>();
      running.set(e.rsc, set);
      if (e.what === "stop") set.delete(e.node);
      else set.add(e.node);
      const doubled = [...running.values()].some((s) => s.size > 1);
      if (doubled && since === undefined) since = e.atNs;
      if (!doubled && since !== undefined) {
        total += e.atNs - since;
        since = undefined;
      }
    }
    return Number(total / 1_000_000n);
  }

  /** Where each resource runs now, by the log. */
  runningNow(): Map<string, string[]> {
    const running = new Map<string, Set<string>>();
    for (const e of this.events()) {
      const set = running.get(e.rsc) ?? new Set<string>();
      running.set(e.rsc, set);
      if (e.what === "stop") set.delete(e.node);
      else set.add(e.node);
    }
    return new Map([...running].map(([k, v]) => [k, [...v]]));
  }
}

/** A CIB group of `count` Lifetime resources (g-1, g-2, …) with a 1 s monitor. */
export function lifetimeGroup(id: string, count: number): string {
  const members = Array.from(
    { length: count },
    (_, i) => `        <primitive id="${id}-${i + 1}" class="ocf" provider="hbxtest" type="Lifetime">
          <operations>
            <op id="${id}-${i + 1}-mon" name="monitor" interval="1s" timeout="10s"/>
          </operations>
        </primitive>`,
  ).join("\n");
  return `      <group id="${id}">\n${members}\n      </group>`;
}
