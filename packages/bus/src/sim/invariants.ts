/**
 * Invariants over a simulation trace, each a named function returning the violations it finds
 * (empty when it holds). They read only the trace, never the cores' internals.
 */
import type { NodeName } from "../types.js";

/** A node incarnation: "n2@3" is the third start of n2. */
export type Incarnation = string;

export interface SentRecord {
  key: string;
  from: Incarnation;
  /** Sequence of this send among its sender incarnation's sends. */
  n: number;
  to: NodeName[];
  request: boolean;
}

export interface DeliveryRecord {
  key: string;
  from: Incarnation;
  n: number;
  at: Incarnation;
  atNode: NodeName;
  time: number;
  intact: boolean;
}

export interface SimTrace {
  sent: Map<string, SentRecord>;
  deliveries: DeliveryRecord[];
  /** Outcome per send key and destination: "ok" or the failure reason. */
  results: Map<string, Map<NodeName, string>>;
  /** Outcome per request key: "reply" or the failure reason. */
  requestOutcomes: Map<string, string[]>;
  /** Incarnations that crashed: what they sent may stay unresolved. */
  crashed: Set<Incarnation>;
}

/** Per sender and receiver incarnation, messages arrive in the order they were sent. */
export function deliveredInOrder(t: SimTrace): string[] {
  const last = new Map<string, number>();
  const bad: string[] = [];
  for (const d of t.deliveries) {
    const k = `${d.from}->${d.at}`;
    const prev = last.get(k) ?? 0;
    if (d.n <= prev) bad.push(`${d.key} (#${d.n}) delivered to ${d.at} after #${prev} from ${d.from}`);
    last.set(k, Math.max(prev, d.n));
  }
  return bad;
}

/** No receiver incarnation sees a message twice. */
export function noDuplicates(t: SimTrace): string[] {
  const seen = new Set<string>();
  const bad: string[] = [];
  for (const d of t.deliveries) {
    const k = `${d.key}@${d.at}`;
    if (seen.has(k)) bad.push(`${d.key} delivered twice to ${d.at}`);
    seen.add(k);
  }
  return bad;
}

/** Every payload arrives byte for byte as sent. */
export function noCorruption(t: SimTrace): string[] {
  return t.deliveries.filter((d) => !d.intact).map((d) => `${d.key} arrived corrupted at ${d.at}`);
}

/**
 * Every message of a sender that is still alive was reported, per destination, as delivered or
 * failed; and a message reported delivered really reached that node.
 */
export function noLossWithoutFailureReport(t: SimTrace): string[] {
  const deliveredTo = new Map<string, Set<NodeName>>();
  for (const d of t.deliveries) {
    let s = deliveredTo.get(d.key);
    if (!s) deliveredTo.set(d.key, (s = new Set()));
    s.add(d.atNode);
  }
  const bad: string[] = [];
  for (const s of t.sent.values()) {
    if (t.crashed.has(s.from) || s.request) continue;
    const res = t.results.get(s.key);
    for (const node of s.to) {
      const r = res?.get(node);
      if (r === undefined) bad.push(`${s.key} to ${node}: neither delivered nor reported failed`);
      else if (r === "ok" && !deliveredTo.get(s.key)?.has(node))
        bad.push(`${s.key} reported delivered to ${node} but never arrived`);
    }
  }
  return bad;
}

/** Every request of a live requester ends exactly once: a reply or a failure. */
export function everyRequestResolvedOnce(t: SimTrace): string[] {
  const bad: string[] = [];
  for (const s of t.sent.values()) {
    if (!s.request || t.crashed.has(s.from)) continue;
    const o = t.requestOutcomes.get(s.key) ?? [];
    if (o.length !== 1) bad.push(`request ${s.key} ended ${o.length} times (${o.join(",")})`);
  }
  return bad;
}

export const allInvariants = {
  deliveredInOrder,
  noDuplicates,
  noCorruption,
  noLossWithoutFailureReport,
  everyRequestResolvedOnce,
};

export function checkInvariants(t: SimTrace): string[] {
  const out: string[] = [];
  for (const [name, fn] of Object.entries(allInvariants)) for (const v of fn(t)) out.push(`${name}: ${v}`);
  return out;
}
