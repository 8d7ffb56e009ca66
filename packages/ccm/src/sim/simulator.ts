/**
 * The seeded simulator for agreed membership (TigerBeetle's VOPR idea on the ccm core): N cores
 * on a SimNetwork; each episode injects random faults (crashes, restarts, partitions, one-way
 * link cuts, message loss and delay), then holds the faults still while the cluster settles,
 * then checks the invariants on every step of a quiet window: `membersAgree`,
 * `membersFollowOneDc`, `atMostOneQuorateDc` and `dcIsStable`. The same seed always replays
 * the same run; a failure names the seed.
 */
import { seededRandom } from "@hbx/bus";
import type { MembershipView } from "../core.js";
import type { NodeName } from "../membership.js";
import {
  type Installed,
  atMostOneQuorateDc,
  dcIsStable,
  membersAgree,
  membersFollowOneDc,
} from "./invariants.js";
import { SimNetwork } from "./network.js";

export interface CcmSimOptions {
  seed: number;
  /** Cluster size; by default 3 to 5, from the seed. */
  nodes?: number;
  episodes?: number;
  /** Virtual time per episode during which faults are injected. */
  chaosMs?: number;
  /** Mean time between two faults during chaos. */
  faultEveryMs?: number;
  lossRate?: number;
  maxDelayMs?: number;
  keepaliveMs?: number;
  deadtimeMs?: number;
  initdeadMs?: number;
  /** Quiet window in which the invariants are checked on every step. */
  checkMs?: number;
  /** false: the seeded bug (no fully connected check), which the invariants must catch. */
  fullyConnected?: boolean;
}

export interface CcmSimResult {
  seed: number;
  nodes: number;
  violations: string[];
  /** The faults injected, with their virtual times: a readable account of the run. */
  faults: string[];
  /** `largestSets`: the largest installed set of each quiet window, summed (0 would mean vacuous checks). */
  stats: { faults: number; checks: number; membershipChanges: number; largestSets: number };
}

const NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"];

export function simulateCcm(o: CcmSimOptions): CcmSimResult {
  const rnd = seededRandom(o.seed);
  const n = o.nodes ?? 3 + Math.floor(rnd() * 3);
  const names = NAMES.slice(0, n);
  const keepaliveMs = o.keepaliveMs ?? 500;
  const deadtimeMs = o.deadtimeMs ?? 2000;
  const initdeadMs = o.initdeadMs ?? 4000;
  const lossRate = o.lossRate ?? 0.05;
  const net = new SimNetwork({
    nodes: names,
    keepaliveMs,
    deadtimeMs,
    initdeadMs,
    stepMs: 50,
    seed: o.seed ^ 0x5eed,
    maxDelayMs: o.maxDelayMs ?? 30,
    fullyConnected: o.fullyConnected,
  });
  const faults: string[] = [];
  const violations: string[] = [];
  const stats = { faults: 0, checks: 0, membershipChanges: 0, largestSets: 0 };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const note = (what: string) => {
    faults.push(`t=${net.now} ${what}`);
    stats.faults++;
  };
  const installed = (): Installed => {
    const m = new Map<NodeName, MembershipView>();
    for (const name of net.running()) m.set(name, net.view(name));
    return m;
  };

  const injectOne = () => {
    const running = net.running();
    const down = names.filter((x) => !running.includes(x));
    const r = rnd();
    if (r < 0.15 && running.length > 1) {
      const x = pick(running);
      net.crash(x);
      note(`crash ${x}`);
    } else if (r < 0.3 && down.length > 0) {
      const x = pick(down);
      net.start(x);
      note(`start ${x}`);
    } else if (r < 0.4 && running.length > 0) {
      const x = pick(running);
      net.restart(x);
      note(`restart ${x}`);
    } else if (r < 0.65) {
      const a = pick(names);
      const b = pick(names.filter((x) => x !== a));
      net.block(a, b);
      note(`block ${a}>${b}`);
    } else if (r < 0.75) {
      const a = pick(names);
      const b = pick(names.filter((x) => x !== a));
      net.unblock(a, b);
      note(`unblock ${a}>${b}`);
    } else if (r < 0.87) {
      const groups: NodeName[][] = [[], []];
      for (const x of names) groups[rnd() < 0.5 ? 0 : 1].push(x);
      net.heal();
      net.partition(groups.filter((g) => g.length > 0));
      note(`partition ${groups.map((g) => g.join(",")).join("|")}`);
    } else {
      net.heal();
      note("heal");
    }
  };

  for (const x of names) net.start(x);
  const episodes = o.episodes ?? 2;
  for (let ep = 0; ep < episodes; ep++) {
    // Chaos: faults at random moments, packets lost.
    net.lossRate = lossRate;
    let left = o.chaosMs ?? 8000;
    while (left > 0) {
      const gap = Math.min(left, Math.floor(rnd() * 2 * (o.faultEveryMs ?? 1500)));
      net.run(gap);
      left -= gap;
      if (left > 0) injectOne();
    }
    // Hold still: faults stay as they are, nothing is lost, until the cluster settled.
    net.lossRate = 0;
    net.run(initdeadMs + 3 * deadtimeMs);
    stats.membershipChanges += net.drainEffects().filter((e) => e.effect.type === "membership").length;
    // Quiet window: every invariant on every step.
    const before = installed();
    stats.largestSets += Math.max(...[...before.values()].map((v) => v.members.length), 0);
    net.onStep = () => {
      stats.checks++;
      const now = installed();
      const found = [
        ...membersAgree(now).map((v) => `membersAgree: ${v}`),
        ...membersFollowOneDc(now).map((v) => `membersFollowOneDc: ${v}`),
        ...atMostOneQuorateDc(now).map((v) => `atMostOneQuorateDc: ${v}`),
        ...dcIsStable(before, now).map((v) => `dcIsStable: ${v}`),
      ];
      for (const f of found)
        if (violations.length < 20) violations.push(`t=${net.now} episode ${ep + 1}: ${f}`);
    };
    net.run(o.checkMs ?? 3000);
    net.onStep = undefined;
    // The next episode starts from a healed network with every node running.
    if (ep + 1 < episodes) {
      net.heal();
      for (const x of names) if (!net.running().includes(x)) net.start(x);
      note("heal, start every node");
    }
  }
  return { seed: o.seed, nodes: n, violations, faults, stats };
}

/** The command that replays one seed with its fault list printed. */
export function replayCommand(seed: number, opts: string = ""): string {
  return `HBX_CCM_SEED=${seed}${opts} npx vitest run packages/ccm/src/sim/simulator.test.ts`;
}
