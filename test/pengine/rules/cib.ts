/**
 * Small CIBs built for one scheduler rule at a time, and the two schedulers that read them: hbx's
 * crm_simulate in-process and Pacemaker's /usr/sbin/crm_simulate as the oracle. The builders take
 * names and sizes as arguments so a test can vary them; `heartbeatV2` writes the option and meta
 * attribute names with underscores, as Heartbeat v2 CIBs did.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../../packages/cli/src/crm_simulate/run.js";

export const PACEMAKER = "/usr/sbin/crm_simulate";
export const havePacemaker = existsSync(PACEMAKER);
/** Why an oracle comparison is skipped, in the test's name. */
export const oracle = havePacemaker ? "as Pacemaker 2.1.5 does" : `skipped: ${PACEMAKER} is not installed`;

// Pacemaker refuses a status update from a newer feature set than its own, so match 2.1.5's.
const FEATURES = "3.16.1";
const TE = "6f0a9a2e-1b6c-4b7e-9a51-5a0a3f2c1d11";
/** Pacemaker's digest of a Dummy start with no parameters. */
export const EMPTY_DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";

export interface CibSpec {
  options?: Record<string, string>;
  nodes: string[];
  resources: string;
  constraints?: string;
  status: string;
  quorum?: boolean;
  heartbeatV2?: boolean;
  /** Extra attributes of <cib> (execution-date …). */
  cibAttrs?: Record<string, string>;
}

const v2 = (name: string, on: boolean | undefined): string => (on ? name.replace(/-/g, "_") : name);

export function nvpairs(prefix: string, values: Record<string, string>, heartbeatV2?: boolean): string {
  return Object.entries(values)
    .map(([k, v]) => `<nvpair id="${prefix}-${k}" name="${v2(k, heartbeatV2)}" value="${v}"/>`)
    .join("");
}

export function cib(spec: CibSpec): string {
  const opts = { "stonith-enabled": "false", ...spec.options };
  const attrs = Object.entries(spec.cibAttrs ?? {})
    .map(([k, v]) => ` ${k}="${v}"`)
    .join("");
  return `<cib admin_epoch="0" epoch="1" num_updates="1" validate-with="pacemaker-3.7" crm_feature_set="${FEATURES}" have-quorum="${spec.quorum === false ? 0 : 1}" dc-uuid="1"${attrs}>
  <configuration>
    <crm_config><cluster_property_set id="cluster-options">${nvpairs("opt", opts, spec.heartbeatV2)}</cluster_property_set></crm_config>
    <nodes>${spec.nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join("")}</nodes>
    <resources>${spec.resources}</resources>
    <constraints>${spec.constraints ?? ""}</constraints>
  </configuration>
  <status>${spec.status}</status>
</cib>`;
}

/** An ocf:heartbeat:Dummy with meta attributes, instance parameters and a 10 s monitor. */
export function dummy(
  id: string,
  meta: Record<string, string> = {},
  opts: { params?: Record<string, string>; heartbeatV2?: boolean; type?: string; ops?: string } = {},
): string {
  const params = opts.params
    ? `<instance_attributes id="${id}-params">${nvpairs(`${id}-p`, opts.params)}</instance_attributes>`
    : "";
  return `<primitive id="${id}" class="ocf" provider="heartbeat" type="${opts.type ?? "Dummy"}">${params}<meta_attributes id="${id}-meta">${nvpairs(`${id}-m`, meta, opts.heartbeatV2)}</meta_attributes><operations>${opts.ops ?? `<op id="${id}-mon" name="monitor" interval="10s"/>`}</operations></primitive>`;
}

export const group = (id: string, ...members: string[]): string =>
  `<group id="${id}">${members.join("")}</group>`;

export const order = (id: string, first: string, then: string, kind = "Mandatory"): string =>
  `<rsc_order id="${id}" first="${first}" then="${then}" kind="${kind}"/>`;

export const ban = (id: string, rsc: string, node: string): string =>
  `<rsc_location id="${id}" rsc="${rsc}" node="${node}" score="-INFINITY"/>`;

export type NodeCondition = "online" | "unclean" | "crm-down" | "pending" | "down" | "shutting-down";

const CONDITION: Record<NodeCondition, string> = {
  online: 'in_ccm="true" crmd="online" join="member" expected="member"',
  unclean: 'in_ccm="false" crmd="offline" join="member" expected="member"',
  "crm-down": 'in_ccm="true" crmd="offline" join="down" expected="member"',
  pending: 'in_ccm="true" crmd="online" join="pending" expected="member"',
  down: 'in_ccm="false" crmd="offline" join="down" expected="down"',
  "shutting-down": 'in_ccm="true" crmd="online" join="member" expected="down"',
};

/** A node_state: `index` is the node's position in `nodes` (its id is index + 1). */
export function nodeState(
  index: number,
  uname: string | undefined,
  condition: NodeCondition,
  history = "",
  transient: Record<string, string> = {},
): string {
  const id = String(index + 1);
  const name = uname === undefined ? "" : ` uname="${uname}"`;
  const attrs = Object.keys(transient).length
    ? `<transient_attributes id="${id}"><instance_attributes id="status-${id}">${nvpairs(`status-${id}`, transient)}</instance_attributes></transient_attributes>`
    : "";
  return `<node_state id="${id}"${name} ${CONDITION[condition]}>${attrs}<lrm id="${id}"><lrm_resources>${history}</lrm_resources></lrm></node_state>`;
}

export interface OpRecord {
  task: string;
  rc?: number;
  interval?: number;
  callId: number;
  /** op-status: 0 done, -1 pending. */
  status?: number;
  digest?: string;
  extra?: Record<string, string>;
  /** The record's id (default: from the resource, task, interval and call id). */
  id?: string;
  lastRcChange?: number;
}

/** One resource's history on a node, operation by operation. */
export function history(rsc: string, node: string, ops: OpRecord[], type = "Dummy"): string {
  const records = ops.map((o) => {
    const rc = o.rc ?? 0;
    const interval = o.interval ?? 0;
    const extra = Object.entries(o.extra ?? {})
      .map(([k, v]) => ` ${k}="${v}"`)
      .join("");
    return `<lrm_rsc_op id="${o.id ?? `${rsc}_${o.task}_${interval}_${o.callId}`}" operation_key="${rsc}_${o.task}_${interval}" operation="${o.task}" crm-debug-origin="test" crm_feature_set="${FEATURES}" transition-key="1:1:0:${TE}" transition-magic="${o.status ?? 0}:${rc};1:1:0:${TE}" call-id="${o.callId}" rc-code="${rc}" op-status="${o.status ?? 0}" interval="${interval}" last-rc-change="${o.lastRcChange ?? 1000}" exec-time="1" queue-time="0" op-digest="${o.digest ?? EMPTY_DIGEST}" on_node="${node}"${extra}/>`;
  });
  return `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="${type}">${records.join("")}</lrm_resource>`;
}

/** A resource started cleanly on a node. */
export const started = (rsc: string, node: string, callId = 5): string =>
  history(rsc, node, [{ task: "start", callId }]);

/** The Transition Summary's lines, whitespace collapsed. */
export function summaryOf(out: string): string[] {
  const at = out.indexOf("Transition Summary:\n");
  if (at < 0) return [];
  return out
    .slice(at)
    .split("\n\n")[0]
    .split("\n")
    .slice(1)
    .map((l) => l.trim().replace(/^\* /, "").replace(/\s+/g, " "))
    .filter((l) => l !== "");
}

/** A block of crm_simulate's output up to the next blank line, whitespace collapsed. */
export function blockOf(out: string, heading: string): string[] {
  const at = out.indexOf(`${heading}\n`);
  if (at < 0) return [];
  const rest = out.slice(at).split("\n");
  const lines: string[] = [];
  for (const l of rest.slice(1)) {
    if (l.trim() === "" && heading !== "Revised Cluster Status:") break;
    if (l.trim() !== "") lines.push(l.trim().replace(/\s+/g, " "));
  }
  return lines;
}

export function hbxSimulate(xml: string, args: string[] = ["-S"]): string {
  const dir = mkdtempSync(join(tmpdir(), "hbx-rules-"));
  try {
    const file = join(dir, "cib.xml");
    writeFileSync(file, xml);
    let out = "";
    run([...args, "-x", file], { stdout: (s) => (out += s), stderr: () => undefined });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pacemakerSimulate(xml: string, args: string[] = ["-S"]): string {
  const dir = mkdtempSync(join(tmpdir(), "pcmk-rules-"));
  try {
    const file = join(dir, "cib.xml");
    writeFileSync(file, xml);
    try {
      return execFileSync(PACEMAKER, [...args, "-x", file], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch (e) {
      // A transition that cannot complete makes crm_simulate exit non-zero after printing it all.
      const out = (e as { stdout?: string }).stdout;
      if (typeof out === "string" && out.includes("Revised Cluster Status:")) return out;
      throw e;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
