/**
 * The shape of a bench cluster, independent of XML: which resources exist, how they are grouped
 * and constrained, and where a previous transition would have placed them.
 */

export type TopLevelItem =
  | { readonly kind: "primitive"; readonly id: string }
  | { readonly kind: "group"; readonly id: string; readonly members: readonly string[] };

export interface LocationPreference {
  readonly rsc: string;
  readonly node: string;
  readonly score: number;
}

/** dependent is colocated with primary (INFINITY) and ordered after it (Mandatory). */
export interface GroupPair {
  readonly primary: string;
  readonly dependent: string;
}

export interface BenchLayout {
  readonly nodes: readonly string[];
  readonly items: readonly TopLevelItem[];
  /** Every primitive id, groups' members included, in configuration order. */
  readonly primitives: readonly string[];
  readonly locations: readonly LocationPreference[];
  readonly groupPairs: readonly GroupPair[];
  /** primitive id → node it runs on in the "running" variant. */
  readonly placement: ReadonlyMap<string, string>;
}

const GROUP_SIZE = 5;

/**
 * How nodes are named: "padded" (`node01`) sorts the same by strcmp and by number; "unpadded"
 * (`node1 … node16`) does not (`node10` < `node2` by strcmp), which is where Pacemaker's
 * name tie-break shows.
 */
export type NodeNaming = "padded" | "unpadded";

export const NODE_NAMINGS: readonly NodeNaming[] = ["padded", "unpadded"];

export function nodeNames(count: number, naming: NodeNaming): string[] {
  const width = naming === "padded" ? String(count).length : 1;
  return Array.from({ length: count }, (_, i) => `node${pad(i + 1, width)}`);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Builds the layout. A fifth of the primitives (rounded down to whole groups) form groups of
 * five; groups are paired (2k+1 with 2k). Every third top-level item gets a location preference
 * of 50-90 (below the stickiness of 100, so a running cluster stays put), except a dependent
 * group, whose place follows its primary. Placement: preferred node first, a dependent group with
 * its primary, everything else on the least loaded node (first by name on a tie).
 */
export function placeResources(
  nodeCount: number,
  resourceCount: number,
  naming: NodeNaming = "padded",
): BenchLayout {
  if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new Error(`nodes must be ≥ 1, found ${nodeCount}`);
  if (!Number.isInteger(resourceCount) || resourceCount < 1) {
    throw new Error(`resources must be ≥ 1, found ${resourceCount}`);
  }
  const nodes = nodeNames(nodeCount, naming);
  const width = String(resourceCount).length;
  const primitives = Array.from({ length: resourceCount }, (_, i) => `rsc${pad(i + 1, width)}`);
  const groupCount = Math.floor(resourceCount / 5 / GROUP_SIZE);
  const items: TopLevelItem[] = [];
  for (let g = 0; g < groupCount; g++) {
    items.push({
      kind: "group",
      id: `grp${pad(g + 1, String(groupCount).length)}`,
      members: primitives.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE),
    });
  }
  for (const id of primitives.slice(groupCount * GROUP_SIZE)) items.push({ kind: "primitive", id });

  const groupPairs: GroupPair[] = [];
  const dependents = new Map<string, string>();
  for (let g = 0; g + 1 < groupCount; g += 2) {
    const pair = { primary: items[g].id, dependent: items[g + 1].id };
    groupPairs.push(pair);
    dependents.set(pair.dependent, pair.primary);
  }

  const locations: LocationPreference[] = [];
  items.forEach((item, k) => {
    if (k % 3 !== 0 || dependents.has(item.id)) return;
    locations.push({ rsc: item.id, node: nodes[(k * 7) % nodeCount], score: 50 + (k % 5) * 10 });
  });

  // Least-loaded placement, with a min-scan over nodes: nodes ≤ a few dozen, so O(items × nodes).
  const load = new Array<number>(nodeCount).fill(0);
  const itemNode = new Map<string, number>();
  const sizeOf = (item: TopLevelItem): number => (item.kind === "group" ? item.members.length : 1);
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const pref of locations) {
    const n = nodes.indexOf(pref.node);
    itemNode.set(pref.rsc, n);
    load[n] += sizeOf(byId.get(pref.rsc) as TopLevelItem);
  }
  for (const item of items) {
    if (itemNode.has(item.id)) continue;
    const primary = dependents.get(item.id);
    let n: number;
    if (primary !== undefined && itemNode.has(primary)) n = itemNode.get(primary) as number;
    else n = load.indexOf(Math.min(...load));
    itemNode.set(item.id, n);
    load[n] += sizeOf(item);
  }
  const placement = new Map<string, string>();
  for (const item of items) {
    const node = nodes[itemNode.get(item.id) as number];
    if (item.kind === "group") for (const m of item.members) placement.set(m, node);
    else placement.set(item.id, node);
  }
  return { nodes, items, primitives, locations, groupPairs, placement };
}
