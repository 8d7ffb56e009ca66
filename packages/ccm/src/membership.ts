/**
 * The agreement rule, as pure functions of the liveness views a node holds. Heartbeat's CCM
 * installed a member set only when every member heard every other; here every node computes
 * that set from the same gossiped views, so after views have spread every node reaches the
 * same answer without a protocol round:
 *
 * 1. Edges. a–b is an edge when a's view says it hears b AND b's view says it hears a. A
 *    one-way fault (b hears a, a does not hear b) is no edge.
 * 2. Candidates. The maximal fully connected sets (cliques) of that graph.
 * 3. Choice. One set, by the first rule that separates them, every node computing alike:
 *    the largest; then the one with the fewest suspected members (a node some view no longer
 *    hears: it is dying, or leaving, or behind a one-way fault), so that while one survivor has
 *    already declared a dead node dead and the others not yet, the survivor is not the one left
 *    out; then the one holding a DC whose membership was quorate; then one holding any DC (so
 *    a running cluster keeps its DC and its members); then the smallest sorted list of names by
 *    strcmp.
 * 4. A node in the chosen set installs it; a node outside it installs itself alone (it has no
 *    quorum, so its CRM stops what it runs, as a partitioned node does).
 *
 * DC rule inside an installed set: a node that already claims the role keeps it (a returning
 * node, also the first in ha.cf, takes nothing back). Two claimants (a healed partition): the
 * one whose membership was quorate, then the one with more members, then the lowest name by
 * strcmp. No claimant: the lowest name by strcmp. Pacemaker compares versions and uptime
 * first; hbx nodes run one version, and uptimes are not comparable without synchronised clocks
 * (a DC's tenure would be measured on its own clock and read at different moments), whereas
 * "was quorate" and the member count are what the claimant published and every node reads alike.
 */

export type NodeName = string;

/** One node's published liveness view (an `hbx-ccm` message carries the views a node holds). */
export interface PeerView {
  node: NodeName;
  /** The publisher's incarnation (its heartbeat generation): grows on every restart. */
  generation: number;
  /** Grows with every publication of one incarnation, so receivers can tell a fresh view. */
  seq: number;
  /** Grows whenever `hears`, `dc` or `quorate` change: the view counter. */
  viewId: number;
  /** The nodes it hears (itself included), sorted. */
  hears: NodeName[];
  /** The generation of each peer's view it holds: tells a peer this node heard its current incarnation. */
  seen: Record<NodeName, number>;
  /** The DC it follows; equal to `node` when it claims the role. */
  dc?: NodeName;
  /** Its installed membership was quorate. */
  quorate: boolean;
  /** Size of its installed membership. */
  members: number;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Mutual-hearing edges between the nodes whose views are known. */
export function mutualEdges(views: ReadonlyMap<NodeName, PeerView>): Map<NodeName, Set<NodeName>> {
  const hears = new Map<NodeName, Set<NodeName>>();
  for (const [n, v] of views) hears.set(n, new Set(v.hears));
  const adj = new Map<NodeName, Set<NodeName>>();
  for (const n of views.keys()) adj.set(n, new Set());
  for (const [a, ha] of hears) for (const b of ha) if (a !== b && hears.get(b)?.has(a)) adj.get(a)!.add(b);
  return adj;
}

/** Every maximal fully connected set (Bron–Kerbosch with pivoting), each sorted by name. */
export function maximalCliques(adj: ReadonlyMap<NodeName, Set<NodeName>>): NodeName[][] {
  const out: NodeName[][] = [];
  const expand = (r: NodeName[], p: Set<NodeName>, x: Set<NodeName>): void => {
    if (p.size === 0 && x.size === 0) {
      out.push([...r].sort(byName));
      return;
    }
    let pivot: NodeName | undefined;
    let best = -1;
    for (const u of [...p, ...x]) {
      let c = 0;
      for (const v of adj.get(u)!) if (p.has(v)) c++;
      if (c > best) [best, pivot] = [c, u];
    }
    for (const v of [...p].sort(byName)) {
      if (adj.get(pivot!)!.has(v)) continue;
      const nv = adj.get(v)!;
      expand([...r, v], new Set([...p].filter((w) => nv.has(w))), new Set([...x].filter((w) => nv.has(w))));
      p.delete(v);
      x.add(v);
    }
  };
  expand([], new Set(adj.keys()), new Set());
  return out;
}

const claimsDc = (v: PeerView | undefined): boolean => v !== undefined && v.dc === v.node;

/** Nodes that some other node's view does not list as heard. */
function suspects(views: ReadonlyMap<NodeName, PeerView>): Set<NodeName> {
  const out = new Set<NodeName>();
  for (const v of views.values())
    for (const n of views.keys()) if (n !== v.node && !v.hears.includes(n)) out.add(n);
  return out;
}

/** Negative when set a comes before b by the choice rule (3. above). */
function compareSets(
  a: NodeName[],
  b: NodeName[],
  views: ReadonlyMap<NodeName, PeerView>,
  suspected: ReadonlySet<NodeName>,
): number {
  if (a.length !== b.length) return b.length - a.length;
  const doubtful = (s: NodeName[]) => s.filter((n) => suspected.has(n)).length;
  if (doubtful(a) !== doubtful(b)) return doubtful(a) - doubtful(b);
  const quorateDc = (s: NodeName[]) => s.some((n) => claimsDc(views.get(n)) && views.get(n)!.quorate);
  const anyDc = (s: NodeName[]) => s.some((n) => claimsDc(views.get(n)));
  if (quorateDc(a) !== quorateDc(b)) return quorateDc(a) ? -1 : 1;
  if (anyDc(a) !== anyDc(b)) return anyDc(a) ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return byName(a[i], b[i]);
  return 0;
}

/** The one fully connected set every node chooses from these views. */
export function chooseSet(views: ReadonlyMap<NodeName, PeerView>): NodeName[] {
  const cliques = maximalCliques(mutualEdges(views));
  const suspected = suspects(views);
  cliques.sort((a, b) => compareSets(a, b, views, suspected));
  return cliques[0] ?? [];
}

/** The membership `self` installs: the chosen set when it is in it, else itself alone. */
export function agreedMembership(self: NodeName, views: ReadonlyMap<NodeName, PeerView>): NodeName[] {
  const chosen = chooseSet(views);
  return chosen.includes(self) ? chosen : [self];
}

/** The DC of an installed membership, by the DC rule above. */
export function electDc(members: readonly NodeName[], views: ReadonlyMap<NodeName, PeerView>): NodeName {
  const claimants = members.filter((n) => claimsDc(views.get(n)));
  if (claimants.length === 0) return [...members].sort(byName)[0];
  const rank = (n: NodeName) => views.get(n)!;
  claimants.sort(
    (a, b) =>
      Number(rank(b).quorate) - Number(rank(a).quorate) || rank(b).members - rank(a).members || byName(a, b),
  );
  return claimants[0];
}
