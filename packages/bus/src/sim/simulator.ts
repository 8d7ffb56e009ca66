/**
 * A deterministic simulator for BusCore: several nodes in one process, virtual time, a seeded
 * network that drops, delays, reorders and duplicates frames, node isolation (partitions) and
 * crash/restart with a new generation. Liveness is an oracle here: peers are told peerDown after
 * `deadtimeMs` of a crash or isolation. The same seed always gives the same run.
 */
import { pino } from "pino";
import { BusCore } from "../core.js";
import { hashString, seededRandom } from "../prng.js";
import type { BusConfig, BusEffect, NodeName } from "../types.js";
import { EventHeap } from "./heap.js";
import { checkInvariants, type Incarnation, type SimTrace } from "./invariants.js";

export interface SimOptions {
  seed: number;
  nodes?: number;
  /** Virtual time during which the applications send. */
  workloadMs?: number;
  /** Virtual time after the workload with a healed network, for everything to resolve. */
  settleMs?: number;
  /** Mean interval between sends of one node. */
  sendIntervalMs?: number;
  dropRate?: number;
  duplicateRate?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Fraction of sends that are large (fragmented and compressed). */
  largeRate?: number;
  largeMaxBytes?: number;
  requestRate?: number;
  /** Chance per second of a crash/restart, and of an isolation, somewhere in the cluster. */
  crashRatePerSec?: number;
  isolateRatePerSec?: number;
  deadtimeMs?: number;
  config?: Partial<BusConfig>;
}

export interface SimResult {
  seed: number;
  trace: SimTrace;
  violations: string[];
  stats: {
    sent: number;
    delivered: number;
    failedReports: number;
    frames: number;
    crashes: number;
    isolations: number;
  };
}

type SimEvent =
  | { kind: "frame"; from: NodeName; to: NodeName; toInc: number; bytes: Uint8Array }
  | { kind: "app"; node: NodeName }
  | { kind: "crash"; node: NodeName; quick: boolean }
  | { kind: "restart"; node: NodeName }
  | { kind: "isolate"; node: NodeName; untilMs: number }
  | { kind: "heal"; node: NodeName }
  | { kind: "liveness"; at: NodeName; about: NodeName; up: boolean; atInc: number };

interface SimNode {
  name: NodeName;
  inc: number;
  core: BusCore | null;
  timerAt: number | null;
  sendCount: number;
  isolated: boolean;
  /** ref → key of the message or request */
  refs: Map<number, string>;
}

const silent = pino({ level: "silent" });

/** The payload of a simulated message: its key, then bytes derived from the key (so they can be checked). */
export function simPayload(key: string, size: number): Uint8Array {
  const k = new TextEncoder().encode(key);
  const out = new Uint8Array(2 + k.byteLength + size);
  out[0] = k.byteLength >> 8;
  out[1] = k.byteLength & 0xff;
  out.set(k, 2);
  const rnd = seededRandom(hashString(key));
  const compressible = hashString(key) % 2 === 0;
  for (let i = 0; i < size; i++)
    out[2 + k.byteLength + i] = compressible ? 97 + ((i * 7) % 26) : (rnd() * 256) | 0;
  return out;
}

export function readSimPayload(p: Uint8Array): { key: string; intact: boolean } {
  const len = (p[0] << 8) | p[1];
  const key = new TextDecoder().decode(p.subarray(2, 2 + len));
  const expect = simPayload(key, p.byteLength - 2 - len);
  return { key, intact: Buffer.compare(Buffer.from(expect), Buffer.from(p)) === 0 };
}

export function simulate(o: SimOptions): SimResult {
  const nodesN = o.nodes ?? 3;
  const workloadMs = o.workloadMs ?? 5000;
  const settleMs = o.settleMs ?? 20000;
  const deadtimeMs = o.deadtimeMs ?? 1000;
  const rnd = seededRandom(o.seed);
  // Probes at most every 500 ms so a 6 s delivery timeout survives long runs of 20% loss in both directions.
  const config: Partial<BusConfig> = {
    maxFrameBytes: 1400,
    deliveryTimeoutMs: 6000,
    maxProbeMs: 500,
    windowFrames: 64,
    ...o.config,
  };
  const trace: SimTrace = {
    sent: new Map(),
    deliveries: [],
    results: new Map(),
    requestOutcomes: new Map(),
    crashed: new Set(),
  };
  const stats = { sent: 0, delivered: 0, failedReports: 0, frames: 0, crashes: 0, isolations: 0 };
  const heap = new EventHeap<SimEvent>();
  const names = Array.from({ length: nodesN }, (_, i) => `n${i + 1}`);
  const nodes = new Map<NodeName, SimNode>();
  let now = 0;
  let ref = 1;

  const incOf = (n: SimNode): Incarnation => `${n.name}@${n.inc}`;
  const start = (n: SimNode) => {
    n.inc++;
    n.sendCount = 0;
    n.refs = new Map();
    n.core = new BusCore({
      self: n.name,
      generation: n.inc,
      peers: names,
      config,
      random: seededRandom(o.seed ^ hashString(incOf(n))),
      logger: silent,
    });
    n.timerAt = null;
  };
  for (const name of names) {
    const n: SimNode = {
      name,
      inc: 0,
      core: null,
      timerAt: null,
      sendCount: 0,
      isolated: false,
      refs: new Map(),
    };
    nodes.set(name, n);
    start(n);
    heap.push(rnd() * (o.sendIntervalMs ?? 20), { kind: "app", node: name });
  }
  const cut = (a: NodeName, b: NodeName) => nodes.get(a)!.isolated || nodes.get(b)!.isolated;

  const apply = (n: SimNode, effects: BusEffect[]) => {
    const core = n.core!;
    for (const e of effects) {
      switch (e.type) {
        case "frame": {
          stats.frames++;
          const dest = nodes.get(e.to);
          if (!dest || cut(n.name, e.to) || rnd() < (o.dropRate ?? 0.1)) break;
          const copies = rnd() < (o.duplicateRate ?? 0.02) ? 2 : 1;
          const minD = o.minDelayMs ?? 1;
          const maxD = o.maxDelayMs ?? 20;
          for (let c = 0; c < copies; c++)
            heap.push(now + minD + rnd() * (maxD - minD), {
              kind: "frame",
              from: n.name,
              to: e.to,
              toInc: dest.inc,
              bytes: e.bytes,
            });
          break;
        }
        case "deliver": {
          const { key, intact } = readSimPayload(e.message.payload);
          const s = trace.sent.get(key);
          stats.delivered++;
          trace.deliveries.push({
            key,
            from: s?.from ?? "?",
            n: s?.n ?? 0,
            at: incOf(n),
            atNode: n.name,
            time: now,
            intact,
          });
          if (e.message.requestId !== undefined)
            step(n, {
              type: "reply",
              to: e.message.from,
              channel: e.message.channel,
              requestId: e.message.requestId,
              payload: e.message.payload,
            });
          break;
        }
        case "sent": {
          const key = n.refs.get(e.ref)!;
          const s = trace.sent.get(key)!;
          const m = new Map<NodeName, string>(s.to.map((t) => [t, "ok"]));
          for (const f of e.failed) m.set(f.node, f.reason);
          stats.failedReports += e.failed.length;
          trace.results.set(key, m);
          break;
        }
        case "reply":
        case "requestFailed": {
          const key = n.refs.get(e.ref)!;
          let outcome: string = e.type === "reply" ? "reply" : e.reason;
          if (e.type === "reply" && readSimPayload(e.payload).key !== key) outcome = "wrong-reply";
          const list = trace.requestOutcomes.get(key) ?? [];
          list.push(outcome);
          trace.requestOutcomes.set(key, list);
          break;
        }
      }
    }
    n.timerAt = core.nextDeadline();
  };
  const step = (n: SimNode, ev: Parameters<BusCore["step"]>[1]) => apply(n, n.core!.step(now, ev));

  const appSend = (n: SimNode) => {
    const peers = names.filter((p) => p !== n.name);
    const key = `${incOf(n)}:${++n.sendCount}`;
    const large = rnd() < (o.largeRate ?? 0.05);
    const size = large ? Math.floor(rnd() * (o.largeMaxBytes ?? 100_000)) : Math.floor(rnd() * 200);
    const payload = simPayload(key, size);
    const r = ref++;
    n.refs.set(r, key);
    stats.sent++;
    if (rnd() < (o.requestRate ?? 0.1)) {
      const to = peers[Math.floor(rnd() * peers.length)];
      trace.sent.set(key, { key, from: incOf(n), n: n.sendCount, to: [to], request: true });
      step(n, { type: "request", ref: r, channel: "crmd", to, payload, timeoutMs: 2000 + rnd() * 3000 });
    } else {
      const toAll = rnd() < 0.3;
      const to = toAll ? null : peers[Math.floor(rnd() * peers.length)];
      trace.sent.set(key, {
        key,
        from: incOf(n),
        n: n.sendCount,
        to: to === null ? n.core!.activePeers() : [to],
        request: false,
      });
      step(n, { type: "send", ref: r, channel: toAll ? "ccm" : "cib", to, payload });
    }
  };

  const tellPeers = (about: NodeName, up: boolean) => {
    for (const other of names) {
      if (other === about) continue;
      const on = nodes.get(other)!;
      heap.push(now + (up ? 0 : deadtimeMs) + rnd() * 200, {
        kind: "liveness",
        at: other,
        about,
        up,
        atInc: on.inc,
      });
      const ab = nodes.get(about)!;
      if (ab.core)
        heap.push(now + (up ? 0 : deadtimeMs) + rnd() * 200, {
          kind: "liveness",
          at: about,
          about: other,
          up,
          atInc: ab.inc,
        });
    }
  };

  const end = workloadMs + settleMs;
  let lastChaos = 0;
  for (;;) {
    let next = heap.peekTime();
    let timerNode: SimNode | null = null;
    for (const n of nodes.values())
      if (n.core && n.timerAt !== null && (next === null || n.timerAt < next)) {
        next = n.timerAt;
        timerNode = n;
      }
    if (next === null || next > end) break;
    now = Math.max(now, next);
    // Chaos: checked once per virtual 100 ms during the workload.
    while (now < workloadMs && now - lastChaos >= 100) {
      lastChaos += 100;
      const victim = nodes.get(names[Math.floor(rnd() * names.length)])!;
      if (rnd() < (o.crashRatePerSec ?? 0) / 10 && victim.core && !victim.isolated) {
        const quick = rnd() < 0.3; // sometimes back before anyone noticed: only the generation tells
        heap.push(lastChaos, { kind: "crash", node: victim.name, quick });
        heap.push(lastChaos + (quick ? 100 + rnd() * 500 : deadtimeMs + 500 + rnd() * 2000), {
          kind: "restart",
          node: victim.name,
        });
      } else if (rnd() < (o.isolateRatePerSec ?? 0) / 10 && victim.core && !victim.isolated) {
        heap.push(lastChaos, { kind: "isolate", node: victim.name, untilMs: lastChaos + 200 + rnd() * 3000 });
      }
    }
    if (timerNode) {
      step(timerNode, { type: "timer" });
      continue;
    }
    const ev = heap.pop()!.value;
    switch (ev.kind) {
      case "frame": {
        const n = nodes.get(ev.to)!;
        if (n.core && n.inc === ev.toInc && !cut(ev.from, ev.to))
          step(n, { type: "frame", from: ev.from, bytes: ev.bytes });
        break;
      }
      case "app": {
        const n = nodes.get(ev.node)!;
        if (n.core && now < workloadMs) appSend(n);
        if (now < workloadMs) heap.push(now + rnd() * 2 * (o.sendIntervalMs ?? 20), ev);
        break;
      }
      case "crash": {
        const n = nodes.get(ev.node)!;
        if (!n.core) break;
        stats.crashes++;
        trace.crashed.add(incOf(n));
        n.core = null;
        n.timerAt = null;
        if (!ev.quick) tellPeers(n.name, false);
        break;
      }
      case "restart": {
        const n = nodes.get(ev.node)!;
        start(n);
        tellPeers(n.name, true);
        break;
      }
      case "isolate": {
        const n = nodes.get(ev.node)!;
        stats.isolations++;
        n.isolated = true;
        if (ev.untilMs - now > deadtimeMs + 250) tellPeers(n.name, false);
        heap.push(ev.untilMs, { kind: "heal", node: n.name });
        break;
      }
      case "heal": {
        const n = nodes.get(ev.node)!;
        n.isolated = false;
        tellPeers(n.name, true);
        break;
      }
      case "liveness": {
        const n = nodes.get(ev.at)!;
        if (n.core && n.inc === ev.atInc) step(n, { type: ev.up ? "peerUp" : "peerDown", node: ev.about });
        break;
      }
    }
  }
  return { seed: o.seed, trace, violations: checkInvariants(trace), stats };
}
