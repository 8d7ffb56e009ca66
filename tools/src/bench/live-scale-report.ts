import { type XmlElement, childElements, firstChild } from "@hbx/cib";

/** What one live-scale run measured, for one agent at one size. */
export interface ScaleRun {
  /** The agent as the CIB names it, e.g. ocf:hbxbench:Fast. */
  agent: string;
  resources: number;
  /** Resources found running once the start phase ended (all of them, when it succeeded). */
  started: number;
  /** Seconds from the DC acknowledging the new resources to all of them running. */
  startSeconds: number;
  /** Resources that ran on the node put in standby, and how many of them ran elsewhere after. */
  drainedFrom: number;
  moved: number;
  /** Seconds from crm_standby to the node running nothing and every resource running elsewhere. */
  drainSeconds: number;
  /** Bytes all nodes sent on the bus during both phases, and the operation results recorded meanwhile. */
  busBytes: number;
  results: number;
  /** The largest VmRSS and VmHWM (peak) of the three hbxd at the end, in kB. */
  rssKb: number;
  peakRssKb: number;
  /** The longest gap between two status heartbeats of any node during both phases, in ms. */
  worstHeartbeatMs: number;
  keepaliveMs: number;
}

/** The targets: 300 resources drained in ≤ 5 s, bus bytes per result in the low kilobytes. */
export const DRAIN_TARGET_S = 5;
export const BYTES_PER_RESULT_TARGET = 4096;
/** A heartbeat may be late by at most this share of keepalive. */
export const HEARTBEAT_SLACK = 0.2;

type Verdict = "PASS" | "MISS";
const verdict = (ok: boolean): Verdict => (ok ? "PASS" : "MISS");

/** Every row's verdicts: the run failed if any is a MISS. */
export function scaleVerdicts(r: ScaleRun): Record<"started" | "drain" | "bytes" | "heartbeat", Verdict> {
  return {
    started: verdict(r.started === r.resources),
    drain: verdict(r.moved === r.drainedFrom && r.drainedFrom > 0 && r.drainSeconds <= DRAIN_TARGET_S),
    bytes: verdict(r.results > 0 && r.busBytes / r.results <= BYTES_PER_RESULT_TARGET),
    heartbeat: verdict(r.worstHeartbeatMs <= r.keepaliveMs * (1 + HEARTBEAT_SLACK)),
  };
}

const mb = (kb: number): string => (kb / 1024).toFixed(1);

/** A markdown table: one row per measure, its target, then one column per run. */
export function formatScaleTable(runs: readonly ScaleRun[]): string {
  const keepalive = runs[0]?.keepaliveMs ?? 0;
  const rows: [string, string, (r: ScaleRun) => string][] = [
    [
      "all started after the resources were added",
      "all",
      (r) => `${r.started}/${r.resources} in ${r.startSeconds.toFixed(2)} s ${scaleVerdicts(r).started}`,
    ],
    [
      "node put in standby, drained",
      `≤ ${DRAIN_TARGET_S} s (300 resources)`,
      (r) => `${r.moved}/${r.drainedFrom} moved in ${r.drainSeconds.toFixed(2)} s ${scaleVerdicts(r).drain}`,
    ],
    [
      "bus bytes per operation result",
      `≤ ${BYTES_PER_RESULT_TARGET} B`,
      (r) =>
        `${r.results === 0 ? "-" : Math.round(r.busBytes / r.results)} B (${r.busBytes} B / ${r.results}) ${scaleVerdicts(r).bytes}`,
    ],
    ["hbxd RSS per node, largest (peak)", "-", (r) => `${mb(r.rssKb)} MB (${mb(r.peakRssKb)} MB)`],
    [
      "worst heartbeat send interval",
      `≤ ${Math.round(keepalive * (1 + HEARTBEAT_SLACK))} ms (keepalive ${keepalive} ms + ${HEARTBEAT_SLACK * 100}%)`,
      (r) => `${r.worstHeartbeatMs.toFixed(1)} ms ${scaleVerdicts(r).heartbeat}`,
    ],
  ];
  const header = ["measure", "target", ...runs.map((r) => `${r.agent} × ${r.resources}`)];
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return (
    [
      line(header),
      line(header.map(() => "---")),
      ...rows.map(([name, target, cell]) => line([name, target, ...runs.map(cell)])),
    ].join("\n") + "\n"
  );
}

/** VmRSS and VmHWM in kB from the text of /proc/PID/status; undefined when either is missing. */
export function parseProcMemory(status: string): { rssKb: number; peakKb: number } | undefined {
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s*(\\d+) kB$`, "m").exec(status);
    return m ? Number(m[1]) : undefined;
  };
  const rssKb = field("VmRSS");
  const peakKb = field("VmHWM");
  return rssKb === undefined || peakKb === undefined ? undefined : { rssKb, peakKb };
}

/** What the status section says of the resources: which node runs each, and the operations recorded. */
export interface StatusSummary {
  /** Resource id → the nodes whose last operation left it running. */
  runningOn: Map<string, string[]>;
  /**
   * Operation results recorded, counted as the sum over nodes of the highest call-id: each node's
   * executor numbers every operation it runs from 1, and the latest result of each is kept.
   */
  results: number;
}

/** Read a CIB's status section (only its `_last_0` records decide where a resource runs). */
export function summarizeStatus(cib: XmlElement): StatusSummary {
  const runningOn = new Map<string, string[]>();
  let results = 0;
  const status = firstChild(cib, "status");
  for (const ns of status ? childElements(status, "node_state") : []) {
    const node = ns.attrs.uname ?? ns.attrs.id ?? "";
    let highest = 0;
    const lrm = firstChild(ns, "lrm");
    const rscs = lrm ? firstChild(lrm, "lrm_resources") : undefined;
    for (const rsc of rscs ? childElements(rscs, "lrm_resource") : []) {
      const id = rsc.attrs.id ?? "";
      for (const op of childElements(rsc, "lrm_rsc_op")) {
        highest = Math.max(highest, Number(op.attrs["call-id"] ?? 0) || 0);
        if (op.attrs.id !== `${id}_last_0`) continue;
        // A start, a probe that found it running, a promote: rc 0 (or 8, promoted) and done.
        const rc = op.attrs["rc-code"];
        const running =
          op.attrs["op-status"] === "0" && (rc === "0" || rc === "8") && op.attrs.operation !== "stop";
        if (running) runningOn.set(id, [...(runningOn.get(id) ?? []), node]);
      }
    }
    results += highest;
  }
  return { runningOn, results };
}

/** The live-scale options, taken out of bench:live's command line; the rest goes to the writes part. */
export interface ScaleArgs {
  scale: number;
  dummy: number;
  skipScale: boolean;
  skipWrites: boolean;
  rest: string[];
}

/** Split bench:live's arguments; throws a one-line error naming the option on a bad count. */
export function takeScaleArgs(argv: readonly string[]): ScaleArgs {
  const out: ScaleArgs = { scale: 1000, dummy: 100, skipScale: false, skipWrites: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith("--") && a.includes("=")
        ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a, undefined];
    if (flag === "--skip-scale") out.skipScale = true;
    else if (flag === "--skip-writes") out.skipWrites = true;
    else if (flag === "--scale" || flag === "--dummy") {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      const least = flag === "--scale" ? 1 : 0;
      if (raw === undefined || !Number.isInteger(n) || n < least)
        throw new Error(`${flag} expects a whole number, ${least} or more, found "${raw ?? ""}"`);
      if (flag === "--scale") out.scale = n;
      else out.dummy = n;
    } else out.rest.push(a);
  }
  if (out.skipScale && out.skipWrites)
    throw new Error("--skip-scale and --skip-writes together leave nothing to run");
  return out;
}

export const SCALE_USAGE = `
Live scale (after the writes table):
  --scale N          resources of the fast test agent (default 1000)
  --dummy N          resources of the real ocf:heartbeat:Dummy, a second column (default 100, 0 for none)
  --skip-scale       measure only the CIB writes
  --skip-writes      measure only the live scale
`;
