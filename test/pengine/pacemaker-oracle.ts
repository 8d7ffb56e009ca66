/**
 * Pacemaker's own crm_simulate as the oracle for a scheduler rule: the same CIB through hbx's
 * policy engine and through /usr/sbin/crm_simulate, each Transition Summary read as sorted lines
 * with runs of spaces folded, so the two compare line for line.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseXml } from "@hbx/cib";
import { schedule, transitionGraphXml, transitionSummaryLines } from "@hbx/pengine";

export const PACEMAKER_SIMULATE = "/usr/sbin/crm_simulate";
export const pacemakerMissing = existsSync(PACEMAKER_SIMULATE)
  ? undefined
  : `${PACEMAKER_SIMULATE} is not installed (pacemaker-cli-utils)`;

/** Spaces folded and the list bullet dropped (hbx's lines come without it). */
const fold = (line: string): string => line.replace(/\s+/g, " ").trim().replace(/^\* /, "");

/** hbx's decisions on a CIB, at its execution-date when it records one (as crm_simulate). */
export function hbxDecisions(cib: string): string[] {
  const xml = parseXml(cib, "rule.xml");
  const recorded = Number(xml.attrs["execution-date"] ?? NaN);
  const t = schedule(xml, Number.isInteger(recorded) ? { now: new Date(recorded * 1000) } : {});
  return transitionSummaryLines(t.ws).map(fold).filter(Boolean).sort();
}

/** Pacemaker's decisions on the same CIB (crm_simulate -R: decide, without simulating the actions). */
export function pacemakerDecisions(cib: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "hbx-oracle-"));
  try {
    const file = join(dir, "cib.xml");
    writeFileSync(file, cib);
    const out = execFileSync(PACEMAKER_SIMULATE, ["-x", file, "-R"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const at = out.indexOf("Transition Summary:\n");
    if (at < 0) return [];
    const block = out.slice(at).split("\n\n")[0].split("\n").slice(1);
    return block.map(fold).filter(Boolean).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The transition graph as what waits for what: for each resource action ("key on node"), the
 * sorted resource actions among its inputs. Pseudo actions are left out on both sides.
 */
function graphInputs(xml: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const op = (s: string): string[] =>
    [...s.matchAll(/<rsc_op [^>]*operation_key="([^"]+)"[^>]*on_node="([^"]+)"/g)].map(
      (m) => `${m[1]} on ${m[2]}`,
    );
  for (const syn of xml.match(/<synapse[\s\S]*?<\/synapse>/g) ?? []) {
    const [head, inputs = ""] = syn.split("<inputs>");
    for (const action of op(head)) out.set(action, op(inputs).sort());
  }
  return out;
}

/** hbx's transition graph on a CIB, as {@link graphInputs}. */
export function hbxGraphInputs(cib: string): Map<string, string[]> {
  return graphInputs(transitionGraphXml(schedule(parseXml(cib, "rule.xml")).ws));
}

/** Pacemaker's transition graph on the same CIB (crm_simulate -R -G), as {@link graphInputs}. */
export function pacemakerGraphInputs(cib: string): Map<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), "hbx-oracle-"));
  try {
    const file = join(dir, "cib.xml");
    const graph = join(dir, "graph.xml");
    writeFileSync(file, cib);
    execFileSync(PACEMAKER_SIMULATE, ["-x", file, "-R", "-G", graph], { stdio: "ignore" });
    return graphInputs(readFileSync(graph, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
