import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { childElements, firstChild, parseXml, schedulerCorpusDir, type XmlElement } from "@hbx/cib";
import { type PlannedGraph, buildPlannedGraph, schedule, transitionGraphXml } from "@hbx/pengine";
import { engineGraph } from "./from-pengine.js";

const corpus = schedulerCorpusDir();
/** Groups, clones, migrations and fencing: cases where orderings pass through pseudo actions. */
const CASES = [
  "bug-1820",
  "cloned-group-stop",
  "bug-cl-5247",
  "dc-fence-ordering",
  "7-migrate-group-one-unmigratable",
];

interface Synapse {
  id: number;
  key: string;
  on?: string;
  triggers: number[];
}

/** The synapses of a -G graph as written: the action's id, key and node, and its triggers' ids. */
function synapsesOf(xml: string): Synapse[] {
  const root = parseXml(xml, "graph.xml");
  const actionOf = (parent: XmlElement) =>
    parent.children.find((c): c is XmlElement => c.kind === "element")!;
  return childElements(root, "synapse").map((s) => {
    const a = actionOf(firstChild(s, "action_set")!);
    const inputs = firstChild(s, "inputs");
    return {
      id: Number(a.attrs.id),
      key: a.attrs.operation_key,
      on: a.attrs.on_node,
      triggers: inputs ? childElements(inputs, "trigger").map((t) => Number(actionOf(t).attrs.id)) : [],
    };
  });
}

/** Executed actions reachable from `id`'s inputs through pseudo actions only (the ordering's meaning). */
function throughPseudo(graph: PlannedGraph, id: number): Set<number> {
  const found = new Set<number>();
  const seen = new Set<number>([id]);
  const queue = [...graph.actions[id].inputs];
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    if (graph.actions[i].kind !== "pseudo_event") found.add(i);
    else queue.push(...graph.actions[i].inputs);
  }
  return found;
}

describe("the graph the transition engine runs is the one crm_simulate -G writes", () => {
  let edgesThroughPseudo = 0;
  for (const name of CASES) {
    it.skipIf(!corpus)(
      `${name}: same actions under the same ids, each -G trigger kept, pseudo orderings followed`,
      () => {
        const cib = parseXml(readFileSync(join(corpus!, "xml", `${name}.xml`), "utf8"), `${name}.xml`);
        const ws = schedule(cib, { now: new Date("2020-01-01T00:00:00Z") }).ws;
        const graph = buildPlannedGraph(ws);
        // The engine runs from the serialised graph alone, as a DC that kept no working set.
        const engine = engineGraph(JSON.parse(JSON.stringify(graph)) as PlannedGraph);
        const synapses = synapsesOf(transitionGraphXml(ws));
        expect(synapses.length).toBeGreaterThan(0);

        expect(engine.actions.map((a) => [a.id, a.payload.key, a.payload.node?.name])).toEqual(
          synapses.map((s) => [s.id, s.key, s.on]),
        );
        for (const a of engine.actions) {
          expect(a.payload).toEqual(graph.actions[a.id]);
          const triggers = synapses.find((s) => s.id === a.id)!.triggers;
          const deps = new Set(a.deps);
          for (const t of triggers) expect(deps).toContain(t);
          // Beyond -G's triggers the engine waits for exactly what orderings reach through pseudo actions.
          expect(deps).toEqual(throughPseudo(graph, a.id));
          edgesThroughPseudo += a.deps.filter((d) => !triggers.includes(d)).length;
        }
      },
    );
  }
  it.skipIf(!corpus)("the cases exercise orderings that pass through pseudo actions", () => {
    expect(edgesThroughPseudo).toBeGreaterThan(0);
  });
});

describe("engineGraph", () => {
  it("does not execute pseudo actions and follows orderings through chains and loops of them", () => {
    const base = { uid: 0, interval: 0, params: {}, meta: {}, timeoutMs: 20_000, targetRc: 0 } as const;
    const op = (id: number, inputs: number[]) =>
      ({ ...base, id, kind: "rsc_op", task: "start", key: `r${id}_start_0`, inputs }) as const;
    const pseudo = (id: number, inputs: number[]) =>
      ({ ...base, id, kind: "pseudo_event", task: "running", key: `p${id}_running_0`, inputs }) as const;
    // 2 waits for 0 through pseudo 3 then 4; pseudo 4 and 5 wait for each other; 1 waits for 5.
    const g = engineGraph({
      actions: [op(0, []), op(1, [5]), op(2, [3]), pseudo(3, [4]), pseudo(4, [0, 5]), pseudo(5, [4])],
    });
    expect(g.actions.map((a) => [a.id, [...a.deps].sort()])).toEqual([
      [0, []],
      [1, [0]],
      [2, [0]],
    ]);
  });
});
