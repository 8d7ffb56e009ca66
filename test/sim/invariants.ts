/**
 * The whole-cluster invariants (DESIGN.md names them). Each returns the violations it found as
 * one-line messages; an empty list means it holds.
 */

/** A client write the cluster acknowledged: an nvpair that must be in every member's CIB. */
export interface AckedWrite {
  id: string;
  value: string;
  via: string;
  ackedAt: number;
  version: string;
  /** The DC that stored it, whether its own view was quorate, whether it could reach a majority. */
  dc?: string;
  dcQuorate?: boolean;
  dcReachedMajority?: boolean;
  /** When that DC crashed or stopped, if it did. */
  dcDownAt?: number;
}

/** What one live member holds at the end. */
export interface MemberCib {
  version: string;
  digest: string;
  /** nvpair id → value, of the crm_config section. */
  nvpairs: ReadonlyMap<string, string>;
}

/**
 * Without fencing a primitive may run on two nodes only while the minority of a partition (or
 * the node left out of the agreed membership) has not yet had its deadtime to notice and stop:
 * so two copies are a violation once they overlap for longer than `graceMs`.
 */
export function noResourceActiveTwice(
  active: ReadonlyMap<string, readonly string[]>,
  overlapSince: Map<string, number>,
  now: number,
  graceMs: number,
): string[] {
  const out: string[] = [];
  for (const [rsc, nodes] of active) {
    if (nodes.length < 2) {
      overlapSince.delete(rsc);
      continue;
    }
    const since = overlapSince.get(rsc) ?? now;
    overlapSince.set(rsc, since);
    if (now - since > graceMs)
      out.push(
        `noResourceActiveTwice: ${rsc} active on ${nodes.join(" and ")} for ${now - since} ms (grace ${graceMs} ms)`,
      );
  }
  return out;
}

/** Every acknowledged write's effect is in the final CIB of every member. */
export function noAckedUpdateLost(
  acked: readonly AckedWrite[],
  members: ReadonlyMap<string, MemberCib>,
): string[] {
  const out: string[] = [];
  for (const w of acked)
    for (const [node, cib] of members) {
      const found = cib.nvpairs.get(w.id);
      if (found !== w.value)
        out.push(
          `noAckedUpdateLost: write ${w.id}=${w.value} (acknowledged through ${w.via} at ${w.ackedAt} ms as ${w.version}) ` +
            `is ${found === undefined ? "missing" : `${found}`} on ${node} (version ${cib.version})`,
        );
    }
  return out;
}

/** After quiescence every member holds the same CIB version and digest. */
export function cibConverges(members: ReadonlyMap<string, MemberCib>): string[] {
  const seen = new Set([...members.values()].map((c) => `${c.version} ${c.digest}`));
  if (seen.size <= 1) return [];
  return [
    `cibConverges: members differ: ${[...members].map(([n, c]) => `${n}=${c.version}/${c.digest.slice(0, 8)}`).join(" ")}`,
  ];
}

/** After quiescence, with every node up, every configured primitive runs on exactly one node. */
export function everythingRunsAfterQuiescence(
  resources: readonly string[],
  active: ReadonlyMap<string, readonly string[]>,
): string[] {
  const out: string[] = [];
  for (const rsc of resources) {
    const nodes = active.get(rsc) ?? [];
    if (nodes.length !== 1)
      out.push(
        `everythingRunsAfterQuiescence: ${rsc} runs on ${nodes.length === 0 ? "no node" : nodes.join(" and ")}`,
      );
  }
  return out;
}
