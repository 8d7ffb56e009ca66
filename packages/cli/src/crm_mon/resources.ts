import { type Resource, type WorkingSet, clusterStatusLines } from "@hbx/pengine";

/**
 * "Node List:" and the resource list, built from the scheduler's status printer (the block
 * crm_simulate shows) moved out one level. That printer always shows inactive resources; crm_mon
 * hides them unless -r, so without -r the printed tree is pruned here.
 */
export function statusLines(ws: WorkingSet, showInactive: boolean): string[] {
  const lines = clusterStatusLines(ws).map((l) => l.replace(/^ {2}/, ""));
  const split = lines.indexOf("* Full List of Resources:");
  const nodes = lines.slice(0, split).map((l) => (l === "* Node List:" ? "Node List:" : l));
  const resources = lines.slice(split + 1);
  if (showInactive) return [...nodes, "Full List of Resources:", ...resources];
  const active = pruneInactive(resources);
  return [...nodes, "Active Resources:", ...(active.length > 0 ? active : ["  * No active resources"])];
}

interface Item {
  line: string;
  children: Item[];
}

function depth(line: string): number {
  return line.search(/\S/);
}

function toTree(lines: string[]): Item[] {
  const root: Item = { line: "", children: [] };
  const stack: Array<{ item: Item; depth: number }> = [{ item: root, depth: -1 }];
  for (const line of lines) {
    const d = depth(line);
    while (stack[stack.length - 1].depth >= d) stack.pop();
    const item = { line, children: [] };
    stack[stack.length - 1].item.children.push(item);
    stack.push({ item, depth: d });
  }
  return root.children;
}

/** A stopped primitive or a clone's "Stopped: [ … ]" summary. */
function inactiveLeaf(line: string): boolean {
  return (
    /^\s*\* Stopped: \[/.test(line) ||
    /\):\t (ORPHANED )?Stopped( \(.*\))?$/.test(line) ||
    line.endsWith("* No resources")
  );
}

function prune(items: Item[], out: string[]): void {
  for (const it of items) {
    if (it.children.length === 0) {
      if (!inactiveLeaf(it.line)) out.push(it.line);
      continue;
    }
    const inner: string[] = [];
    prune(it.children, inner);
    if (inner.length === 0) continue;
    // A group whose stopped members are hidden says how many there are.
    const hidden = it.children.filter((c) => c.children.length === 0 && inactiveLeaf(c.line)).length;
    const group = /^\s*\* Resource Group: /.test(it.line);
    const line =
      group && hidden > 0
        ? `${it.line.slice(0, -1)} (${hidden} member${hidden > 1 ? "s" : ""} inactive):`
        : it.line;
    out.push(line, ...inner);
  }
}

export function pruneInactive(lines: string[]): string[] {
  const out: string[] = [];
  prune(toTree(lines), out);
  return out;
}

/**
 * Each top-level resource with its full printed block (inactive parts included), in the order
 * the scheduler's printer lists them: the printer skips stopped orphans, so blocks are matched
 * to resources by the id in their first line.
 */
export function topLevelBlocks(ws: WorkingSet): Array<{ rsc: Resource; lines: string[] }> {
  const lines = clusterStatusLines(ws).map((l) => l.replace(/^ {2}/, ""));
  const resources = lines.slice(lines.indexOf("* Full List of Resources:") + 1);
  const out: Array<{ rsc: Resource; lines: string[] }> = [];
  const byId = new Map(ws.resources.map((r) => [r.id, r]));
  for (const item of toTree(resources)) {
    const m = /^\s*\* (?:Resource Group: |Clone Set: |Bundle Set: )?([^\s\t:[]+)/.exec(item.line);
    const rsc = m ? byId.get(m[1]) : undefined;
    if (rsc) out.push({ rsc, lines: flatten(item) });
  }
  return out;
}

function flatten(item: Item): string[] {
  return [item.line, ...item.children.flatMap(flatten)];
}
