import { addScores, MINUS_INFINITY, type Score } from "@hbx/cib";
import type { ClusterNode, WorkingSet } from "../types.js";
import { isTrue, looseScore } from "./attributes.js";

/** What red, yellow and green are worth under the configured node-health-strategy. */
export interface HealthColours {
  red: Score;
  yellow: Score;
  green: Score;
}

/**
 * Pacemaker's table: migrate-on-red bans only red nodes, only-green bans yellow ones too, while
 * progressive and custom take the node-health-red/yellow/green options.
 */
export function healthColours(ws: WorkingSet): HealthColours {
  const o = ws.options;
  switch (o.nodeHealthStrategy) {
    case "none":
      return { red: 0, yellow: 0, green: 0 };
    case "migrate-on-red":
      return { red: MINUS_INFINITY, yellow: 0, green: 0 };
    case "only-green":
      return { red: MINUS_INFINITY, yellow: MINUS_INFINITY, green: 0 };
    default:
      return { red: o.nodeHealthRed, yellow: o.nodeHealthYellow, green: o.nodeHealthGreen };
  }
}

/** A `#health-*` attribute value as a score: a colour or a number; undefined if neither. */
function healthValue(value: string, colours: HealthColours): Score | undefined {
  const v = value.trim().toLowerCase();
  if (v === "red" || v === "yellow" || v === "green") return colours[v];
  return looseScore(value);
}

function healthAttributes(node: ClusterNode): Array<[string, string]> {
  return [...node.attrs].filter(([k]) => k.startsWith("#health"));
}

/**
 * The colour crm_mon shows for a node: -1 if any health attribute is red (or scores as red),
 * 0 if any is yellow, 1 otherwise (always 1 without a strategy).
 */
export function nodeHealthColour(node: ClusterNode, ws: WorkingSet): -1 | 0 | 1 {
  if (ws.options.nodeHealthStrategy === "none") return 1;
  const c = healthColours(ws);
  let rc: -1 | 0 | 1 = 1;
  for (const [, value] of healthAttributes(node)) {
    const v = value.trim().toLowerCase();
    if (v === "red") return -1;
    if (v === "yellow") {
      rc = 0;
      continue;
    }
    const score = looseScore(value);
    if (score === undefined) continue;
    if (score <= c.red) return -1;
    if (score <= c.yellow && c.yellow !== c.green) rc = 0;
  }
  return rc;
}

/**
 * Node health as a location score: each node's `#health-*` attributes are summed (plus
 * node-health-base under progressive) and the total, if not 0, scores every resource on that
 * node, except that resources with allow-unhealthy-nodes=true ignore a negative total.
 */
export function applyNodeHealth(ws: WorkingSet): void {
  const strategy = ws.options.nodeHealthStrategy;
  if (strategy === "none") return;
  const colours = healthColours(ws);
  const base = strategy === "progressive" ? ws.options.nodeHealthBase : 0;
  for (const node of ws.nodes) {
    let health = base;
    for (const [, value] of healthAttributes(node)) {
      const score = healthValue(value, colours);
      if (score !== undefined) health = addScores(health, score);
    }
    node.health = health;
    if (health === 0) continue;
    for (const rsc of ws.resources) {
      if (health < 0 && isTrue(rsc.meta.get("allow-unhealthy-nodes"))) continue;
      rsc.variant.addScore(rsc, node, health, `node-health-strategy ${strategy}`, ws);
    }
  }
}
