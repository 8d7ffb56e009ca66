/**
 * The whole-cluster simulator: the real CrmMode of every node (membership core, bus, CIB store
 * in SQLite, DC loop, scheduler, transition engine) in one process, on vitest's fake clock, over
 * a seeded SimNetwork and a simulated LRM (World). Faults and client writes are drawn from the
 * seed; the invariants are checked after every step and at the end, after quiescence.
 * Every seed starts on a fresh fake clock at the same instant (timers a previous seed left are
 * dropped), so a seed gives the same run alone or after others.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { vi } from "vitest";
import type * as Pino from "pino";
import { seededRandom } from "@hbx/bus";
import { cibDigest, formatVersion, makePatch, parseXml, serializeXml, type XmlElement } from "@hbx/cib";
import { CrmMode } from "@hbx/crmd";
import { OperationRunner } from "@hbx/lrm";
import { parseHaCf } from "@hbx/transport";
import { CALM, SimNetwork } from "./network.js";
import { SimTransport } from "./sim-transport.js";
import { type NodeLife, World } from "./world.js";
import { deferValidations, realWorkDone, uuidCounter } from "./real-work.js";
import {
  type AckedWrite,
  type MemberCib,
  cibConverges,
  everythingRunsAfterQuiescence,
  noAckedUpdateLost,
  noResourceActiveTwice,
} from "./invariants.js";

export interface SimOptions {
  seed: number;
  nodes?: number;
  /** Virtual time with faults and writes. */
  faultPhaseMs?: number;
  /** Virtual time after every fault is healed and every node restarted, before the final checks. */
  quiesceMs?: number;
  /**
   * A bug planted on purpose, to show the invariants catch it: "force-writes" makes every client
   * write skip the quorum refusal (`--force`); "ignore-quorum" sets no-quorum-policy=ignore, so a
   * minority keeps its resources.
   */
  bug?: "force-writes" | "ignore-quorum";
  /** Instead of faults drawn from the seed, these steps (the seed still drives delays and agents). */
  script?: (sim: SimControl) => Promise<void>;
  /** Write the nodes' logs (info) to this file. */
  logFile?: string;
}

/** What a scripted run may do. */
export interface SimControl {
  advance(ms: number): Promise<void>;
  partition(groups: string[][]): void;
  runsOn(rsc: string): string[];
  write(node: string): void;
}

export interface SimReport {
  seed: number;
  violations: string[];
  events: string[];
  stats: {
    faults: Record<string, number>;
    writes: Record<string, number>;
    packets: number;
    ops: number;
    /** The longest time a primitive ran on two nodes at once. */
    maxOverlapMs: number;
  };
}

// pino is the crmd's dependency, not the top level's: load the crmd's own copy.
const { pino } = createRequire(join(import.meta.dirname, "../../packages/crmd/package.json"))(
  "pino",
) as typeof Pino;
type Logger = Pino.Logger;

const NAMES = ["alpha", "bravo", "charlie", "delta", "echo"];
const STEP_MS = 100;
const TIMING = { keepaliveMs: 250, warntimeMs: 750, deadtimeMs: 1500, initdeadMs: 3000 };
const MAX_SLOW_MS = 2000;
const RESOURCES = ["r1", "r2", "r3", "r4"];

function initialCib(ignoreQuorum: boolean): string {
  const prims = RESOURCES.map(
    (r) => `<primitive id="${r}" class="ocf" provider="heartbeat" type="Dummy">
        <operations><op id="${r}-mon" name="monitor" interval="2s" timeout="20s"/></operations>
      </primitive>`,
  ).join("\n");
  return `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        ${ignoreQuorum ? '<nvpair id="opt-nqp" name="no-quorum-policy" value="ignore"/>' : ""}
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
${prims}
    </resources>
    <constraints/>
    <rsc_defaults>
      <meta_attributes id="rsc-defaults">
        <nvpair id="stickiness" name="resource-stickiness" value="100"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status/>
</cib>
`;
}

type NodeState = "down" | "up" | "stopping";

interface SimNode {
  name: string;
  dir: string;
  state: NodeState;
  generation: number;
  life: NodeLife;
  hb?: SimTransport;
  crm?: CrmMode;
}

const kids = (e: XmlElement, name: string): XmlElement[] =>
  e.children.filter(
    (c): c is XmlElement => (c as XmlElement).kind === "element" && (c as XmlElement).name === name,
  );

/** What a CIB's status section records of a resource, node by node: its operations and rcs. */
function recordedOps(doc: XmlElement, rsc: string): string {
  const out: string[] = [];
  for (const status of kids(doc, "status"))
    for (const ns of kids(status, "node_state"))
      for (const lrm of kids(ns, "lrm"))
        for (const rs of kids(lrm, "lrm_resources"))
          for (const r of kids(rs, "lrm_resource"))
            if (r.attrs.id === rsc)
              out.push(
                `${ns.attrs.uname}: ${kids(r, "lrm_rsc_op")
                  .map((op) => `${op.attrs.operation}/${op.attrs.interval ?? "0"}=rc${op.attrs["rc-code"]}`)
                  .join(" ")}`,
              );
  return out.join("; ") || "nothing";
}

/** The simulator's writes (nvpairs w<N> in crm_config) a CIB holds. */
function heldWrites(doc: XmlElement): Set<string> {
  const out = new Set<string>();
  for (const conf of kids(doc, "configuration"))
    for (const cc of kids(conf, "crm_config"))
      for (const set of kids(cc, "cluster_property_set"))
        for (const nv of kids(set, "nvpair")) if (/^w\d+$/.test(nv.attrs.id ?? "")) out.add(nv.attrs.id);
  return out;
}

/** What the simulator puts on the virtual clock; node:perf_hooks is redirected by the caller. */
export const FAKED = [
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "Date",
  "performance",
] as const;
export const SIM_EPOCH = Date.UTC(2026, 0, 1);

export async function runSeed(opts: SimOptions): Promise<SimReport> {
  // A fresh clock: installing over a fake one would keep its time and its pending timers.
  vi.useRealTimers();
  vi.useFakeTimers({ toFake: [...FAKED], now: SIM_EPOCH });
  uuidCounter.next = 0;
  const seed = opts.seed;
  const names = NAMES.slice(0, opts.nodes ?? 3);
  const faultPhaseMs = opts.faultPhaseMs ?? 30_000;
  const quiesceMs = opts.quiesceMs ?? 30_000;
  const faultRandom = seededRandom(seed * 3 + 1);
  const net = new SimNetwork(names, seededRandom(seed * 3 + 2));
  const lrmRandom = seededRandom(seed * 3 + 3);
  const world = new World();
  const root = mkdtempSync(join(tmpdir(), "hbx-sim-"));
  const log: Logger = opts.logFile
    ? pino({ level: "info" }, pino.destination({ dest: opts.logFile, sync: true, append: false }))
    : pino({ level: "silent" });
  const hacf = parseHaCf(
    [
      `keepalive ${TIMING.keepaliveMs}ms`,
      `warntime ${TIMING.warntimeMs}ms`,
      `deadtime ${TIMING.deadtimeMs}ms`,
      `initdead ${TIMING.initdeadMs}ms`,
      "udpport 694",
      "ucast lo 127.0.0.1",
      `node ${names.join(" ")}`,
      "crm on",
    ].join("\n"),
    "sim/ha.cf",
  );
  const t0 = Date.now();
  const now = () => Date.now() - t0;
  const events: string[] = [];
  const event = (s: string) => events.push(`${now()} ms: ${s}`);
  const violations: string[] = [];
  const faults: Record<string, number> = {};
  const count = (k: string) => (faults[k] = (faults[k] ?? 0) + 1);
  const writes: Record<string, number> = { submitted: 0, acked: 0, refused: 0, failed: 0 };
  const acked: AckedWrite[] = [];
  const overlapSince = new Map<string, number>();
  /** Which writes each node's CIB held at the last step, and who dropped one since (node@its DC). */
  const held = new Map<string, Set<string>>();
  const droppedBy = new Map<string, Set<string>>();
  const storedQuorate = new Map<string, boolean>();
  const droppedBySync = new Map<string, Set<string>>();
  const graceMs = 3 * TIMING.deadtimeMs + 2 * MAX_SLOW_MS + 2000;
  let maxOverlapMs = 0;

  const nodes: SimNode[] = names.map((name) => {
    const dir = join(root, name);
    mkdirSync(join(dir, "ha.d"), { recursive: true });
    mkdirSync(join(dir, "state"), { recursive: true });
    writeFileSync(join(dir, "ha.d", "cib.xml"), initialCib(opts.bug === "ignore-quorum"));
    return { name, dir, state: "down", generation: 0, life: { node: name, alive: false, slowMs: 0 } };
  });

  const startNode = async (n: SimNode): Promise<void> => {
    n.generation++;
    n.life = { node: n.name, alive: true, slowMs: 0 };
    n.hb = new SimTransport(n.name, n.generation, names, net, TIMING);
    await n.hb.start();
    // Opening the store (and, in a first life, loading cib.xml) runs with the clock stopped: a
    // start takes no virtual time. Only that load's validation is waited for in real time; any
    // other (a write on a running node) stays on the virtual clock.
    const firstLife = existsSync(join(n.dir, "ha.d", "cib.xml"));
    if (firstLife) deferValidations(false);
    try {
      n.crm = await CrmMode.start({
        heartbeat: n.hb,
        hacf,
        haDir: join(n.dir, "ha.d"),
        stateDir: join(n.dir, "state"),
        log: log.child({ node: n.name }),
        runner: new OperationRunner({ execute: world.executor(n.life, lrmRandom) }),
      });
    } finally {
      deferValidations(true);
    }
    // Observe, without changing it, what the DC's view was when it stored a client's write.
    const crm = n.crm;
    const replace = crm.store.replace.bind(crm.store);
    crm.store.replace = (doc, change) => {
      const had = heldWrites(crm.store.current().document);
      const r = replace(doc, change);
      const has = heldWrites(crm.store.current().document);
      if (change.client === "client")
        for (const id of has) if (!had.has(id)) storedQuorate.set(id, crm.ccm.view().quorate);
      // A write dropped by taking another node's copy (not by this node's own change).
      if (change.operation === "sync")
        for (const id of had)
          if (!has.has(id)) {
            if (!droppedBySync.has(id)) droppedBySync.set(id, new Set());
            droppedBySync.get(id)!.add(`${n.name}<-${change.client}`);
          }
      return r;
    };
    // The store has it now; later lives start from their store, as a node with a CIB does.
    rmSync(join(n.dir, "ha.d", "cib.xml"), { force: true });
    n.state = "up";
    event(`${n.name} started (generation ${n.generation})`);
  };

  /** Crash (power off): the node and what it ran die; nothing more is sent. */
  const wentDown = (n: SimNode): void => {
    for (const w of acked) if (w.dc === n.name && w.dcDownAt === undefined) w.dcDownAt = now();
  };

  const crashNode = (n: SimNode, why: string): void => {
    wentDown(n);
    n.life.alive = false;
    world.killNode(n.name);
    void n.hb?.stop();
    const crm = n.crm;
    n.crm = undefined;
    n.hb = undefined;
    n.state = "down";
    if (crm) void crm.stop().catch(() => undefined);
    event(`${n.name} ${why}`);
  };

  /** SIGTERM: clean shutdown, then the process exits; what still runs there keeps running. */
  const shutdownNode = (n: SimNode): void => {
    const crm = n.crm;
    if (!crm) return;
    n.state = "stopping";
    event(`${n.name} SIGTERM`);
    void crm.shutdown().then(
      (outcome) => {
        if (n.crm !== crm) return;
        event(
          `${n.name} shut down (${JSON.stringify(outcome)}), still running: ${
            world
              .resources()
              .filter((r) => world.isRunning(n.name, r))
              .join(" ") || "nothing"
          }`,
        );
        wentDown(n);
        n.life.alive = false;
        void n.hb?.stop();
        n.crm = undefined;
        n.hb = undefined;
        n.state = "down";
        void crm.stop().catch(() => undefined);
      },
      (e: Error) => event(`${n.name} shutdown failed: ${e.message}`),
    );
  };

  let writeSeq = 0;
  const clientWrite = (n: SimNode): void => {
    const crm = n.crm;
    if (!crm) return;
    const id = `w${++writeSeq}`;
    const value = `v${writeSeq}`;
    // As a tool does: read this node's copy, edit it, send the difference as a patch.
    const read = crm.store.current().document;
    const edited = parseXml(
      serializeXml(read).replace(
        /<cluster_property_set id="cib-bootstrap-options"[^>]*>/,
        (m) => `${m}<nvpair id="${id}" name="${id}" value="${value}"/>`,
      ),
      "sim write",
    );
    const patch = serializeXml(makePatch(read, edited));
    writes.submitted++;
    crm.patch(patch, { force: opts.bug === "force-writes" }).then(
      (version) => {
        writes.acked++;
        // The DC that stored it, and what it could know: its view, and the network as it was.
        const dc = nodes.find(
          (x) => x.crm?.isDc && serializeXml(x.crm.store.current().document).includes(`id="${id}"`),
        );
        const reach = dc
          ? nodes.filter(
              (m) => m.crm && (m === dc || (!net.isCut(dc.name, m.name) && !net.isCut(m.name, dc.name))),
            ).length
          : 0;
        acked.push({
          id,
          value,
          via: n.name,
          ackedAt: now(),
          version,
          dc: dc?.name,
          dcQuorate: storedQuorate.get(id) ?? dc?.crm?.ccm.view().quorate,
          dcReachedMajority: reach > names.length / 2,
        });
        event(`write ${id} through ${n.name} acknowledged as ${version}`);
      },
      (e: Error) => {
        const refused = /quorum|not the DC|no DC/i.test(e.message);
        writes[refused ? "refused" : "failed"]++;
        event(`write ${id} through ${n.name} ${refused ? "refused" : "failed"}: ${e.message}`);
      },
    );
  };

  const pick = <T>(xs: readonly T[]): T | undefined =>
    xs.length ? xs[Math.floor(faultRandom() * xs.length)] : undefined;
  const upNodes = () => nodes.filter((n) => n.state === "up");

  const injectFault = async (): Promise<void> => {
    const r = faultRandom();
    const up = upNodes();
    const down = nodes.filter((n) => n.state === "down");
    if (r < 0.1 && up.length > 0) {
      count("crash");
      crashNode(pick(up)!, "crashed");
    } else if (r < 0.2 && down.length > 0) {
      count("restart");
      await startNode(pick(down)!);
    } else if (r < 0.27 && up.length > 0) {
      count("sigterm");
      shutdownNode(pick(up)!);
    } else if (r < 0.4) {
      count("partition");
      const shuffled = [...names].sort(() => faultRandom() - 0.5);
      const cut = 1 + Math.floor(faultRandom() * (names.length - 1));
      net.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      event(`partition ${shuffled.slice(0, cut).join(",")} | ${shuffled.slice(cut).join(",")}`);
    } else if (r < 0.48) {
      count("one-way-cut");
      const a = pick(names)!;
      const b = pick(names.filter((x) => x !== a))!;
      net.cut(a, b);
      event(`one-way cut ${a} -> ${b}`);
    } else if (r < 0.6) {
      count("heal");
      net.heal();
      event("network healed");
    } else if (r < 0.7) {
      count("lossy-network");
      net.faults = {
        lossRate: 0.3 * faultRandom(),
        dupRate: 0.2 * faultRandom(),
        minDelayMs: 1,
        maxDelayMs: 1 + Math.floor(faultRandom() * 300),
      };
      event(`network faults ${JSON.stringify(net.faults)}`);
    } else if (r < 0.8) {
      const n = pick(up);
      const rsc = n && pick(RESOURCES.filter((x) => world.isRunning(n.name, x)));
      if (n && rsc) {
        count("monitor-failure");
        world.failResource(n.name, rsc);
        event(`${rsc} dies on ${n.name}`);
      }
    } else if (r < 0.88) {
      const n = pick(up);
      if (n) {
        count("slow-agents");
        n.life.slowMs = faultRandom() < 0.5 ? 0 : Math.floor(faultRandom() * MAX_SLOW_MS);
        event(`agents on ${n.name} take +${n.life.slowMs} ms`);
      }
    }
  };

  const followWrites = (): void => {
    for (const n of nodes) {
      if (!n.crm) continue;
      const now = heldWrites(n.crm.store.current().document);
      const before = held.get(n.name) ?? new Set<string>();
      for (const id of before)
        if (!now.has(id)) {
          if (!droppedBy.has(id)) droppedBy.set(id, new Set());
          // Who dropped it, following which DC.
          droppedBy.get(id)!.add(`${n.name}@${n.crm.dc ?? "none"}`);
        }
      held.set(n.name, now);
    }
  };

  const checkStep = (): void => {
    followWrites();
    const active = new Map(RESOURCES.map((r) => [r, world.nodesRunning(r)]));
    for (const since of overlapSince.values()) maxOverlapMs = Math.max(maxOverlapMs, now() - since);
    for (const v of noResourceActiveTwice(active, overlapSince, now(), graceMs))
      if (!violations.includes(v.replace(/for \d+ ms/, ""))) {
        violations.push(v.replace(/for \d+ ms/, ""));
        event(v);
      }
  };

  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += STEP_MS) {
      await realWorkDone();
      await vi.advanceTimersByTimeAsync(STEP_MS);
      checkStep();
    }
  };

  try {
    deferValidations(true);
    for (const n of nodes) await startNode(n);
    await advance(TIMING.initdeadMs + 5000);
    if (opts.script) {
      await opts.script({
        advance,
        partition: (groups) => {
          net.partition(groups);
          event(`partition ${groups.map((g) => g.join(",")).join(" | ")}`);
        },
        runsOn: (rsc) => world.nodesRunning(rsc),
        write: (node) => clientWrite(nodes.find((n) => n.name === node)!),
      });
    }
    // Faults and writes (a script replaces them).
    const faultEnd = now() + (opts.script ? 0 : faultPhaseMs);
    while (now() < faultEnd) {
      if (faultRandom() < 0.25) await injectFault();
      if (faultRandom() < 0.3) {
        const n = pick(upNodes());
        if (n) clientWrite(n);
      }
      await advance(STEP_MS * (1 + Math.floor(faultRandom() * 5)));
    }
    // Quiescence: the network heals, agents are quick, every node comes back.
    net.heal();
    net.faults = { ...CALM };
    for (const n of nodes) n.life.slowMs = 0;
    event("faults end: network healed");
    for (let i = 0; i < 300 && nodes.some((n) => n.state === "stopping"); i++) await advance(STEP_MS);
    for (const n of nodes) if (n.state === "stopping") crashNode(n, "never finished its shutdown: killed");
    for (const n of nodes) if (n.state === "down") await startNode(n);
    await advance(quiesceMs);
    const active = new Map(RESOURCES.map((r) => [r, world.nodesRunning(r)]));
    const members = new Map<string, MemberCib>();
    for (const n of nodes) {
      const crm = n.crm;
      if (!crm) continue;
      const doc: XmlElement = crm.store.current().document;
      const nvpairs = new Map<string, string>();
      for (const m of serializeXml(doc).matchAll(/<nvpair id="(w\d+)" name="w\d+" value="(v\d+)"\/>/g))
        nvpairs.set(m[1], m[2]);
      members.set(n.name, {
        version: formatVersion(crm.store.currentVersion()),
        digest: cibDigest(doc),
        nvpairs,
      });
    }
    const dc = nodes.find((n) => n.crm?.isDc)?.crm;
    const found = (v: string) => {
      violations.push(v);
      event(v);
    };
    for (const v of cibConverges(members)) found(v);
    for (const w of acked) w.dcQuorate = storedQuorate.get(w.id) ?? w.dcQuorate;
    for (const w of acked)
      for (const v of noAckedUpdateLost([w], members)) {
        const dropped = [...(droppedBy.get(w.id) ?? [])];
        found(v);
        event(
          `  ${w.id}: DC ${w.dc} quorate=${w.dcQuorate} reached a majority=${w.dcReachedMajority} ` +
            `down at ${w.dcDownAt ?? "-"}; dropped by ${dropped.join(" ") || "nobody"}; ` +
            `by a sync on ${[...(droppedBySync.get(w.id) ?? [])].join(" ") || "none"}`,
        );
      }
    for (const rsc of RESOURCES)
      for (const v of everythingRunsAfterQuiescence([rsc], active)) {
        const doc = dc?.store.current().document;
        found(v);
        if (doc) event(`  the DC's (${dc.self}) history of ${rsc}: ${recordedOps(doc, rsc)}`);
      }
  } finally {
    for (const n of nodes) if (n.crm) crashNode(n, "stopped at the end");
    await vi.advanceTimersByTimeAsync(1000);
    deferValidations(false);
    rmSync(root, { recursive: true, force: true });
  }
  return {
    seed,
    violations,
    events,
    stats: { faults, writes, packets: net.delivered, ops: world.ops, maxOverlapMs },
  };
}
