import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  TRUSTED_XML_LIMITS,
  type XmlElement,
  cloneElement,
  element,
  firstChild,
  makePatch,
  parseXml,
  serializeXml,
} from "@hbx/cib";
import { IpcClient } from "@hbx/crmd";
import { BIN, LiveCluster, type LiveNode } from "./live-cluster.js";
import { type ScaleRun, type StatusSummary, parseProcMemory, summarizeStatus } from "./live-scale-report.js";

/** The keepalive LiveCluster writes into every ha.cf. */
const KEEPALIVE_MS = 500;
const POLL_MS = 250;

/** The fast agent: a state file per resource in the node's HA_RSCTMP, no fork beyond the shell. */
const FAST_AGENT = `#!/bin/sh
# Bench agent: Dummy's contract (start, stop, monitor on a state file) without sourcing ocf-shellfuncs.
f="\${HA_RSCTMP:-/tmp}/hbxbench-\${OCF_RESOURCE_INSTANCE}.state"
case "$1" in
  start) : > "$f"; exit 0 ;;
  stop) rm -f "$f"; exit 0 ;;
  monitor|status) [ -e "$f" ] && exit 0; exit 7 ;;
  validate-all) exit 0 ;;
  meta-data) cat <<'EOF'
<?xml version="1.0"?>
<resource-agent name="Fast" version="1.0">
  <version>1.0</version>
  <shortdesc lang="en">bench agent</shortdesc>
  <parameters/>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="5s"/>
  </actions>
</resource-agent>
EOF
    exit 0 ;;
  *) exit 3 ;;
esac
`;

export const FAST = { standard: "ocf", provider: "hbxbench", type: "Fast" } as const;
export const DUMMY = { standard: "ocf", provider: "heartbeat", type: "Dummy" } as const;
export type BenchAgent = typeof FAST | typeof DUMMY;
export const agentName = (a: BenchAgent): string => `${a.standard}:${a.provider}:${a.type}`;

/** An OCF root with the fast agent and the system's heartbeat agents (the real Dummy) beside it. */
function ocfRoot(dir: string): string {
  const root = join(dir, "ocf");
  mkdirSync(join(root, "resource.d", "hbxbench"), { recursive: true });
  for (const [link, target] of [
    [join(root, "lib"), "/usr/lib/ocf/lib"],
    [join(root, "resource.d", "heartbeat"), "/usr/lib/ocf/resource.d/heartbeat"],
  ])
    if (!existsSync(link) && existsSync(target)) symlinkSync(target, link);
  const agent = join(root, "resource.d", "hbxbench", "Fast");
  writeFileSync(agent, FAST_AGENT);
  chmodSync(agent, 0o755);
  return root;
}

async function request<T>(node: LiveNode, op: string, args: Record<string, unknown>): Promise<T> {
  const c = await IpcClient.connect(node.socket, 5000);
  try {
    return await c.request<T>(op, args, 60_000);
  } finally {
    c.close();
  }
}

const query = async (node: LiveNode): Promise<XmlElement> =>
  parseXml(
    (await request<{ xml: string }>(node, "cib.query", {})).xml,
    `cib.query from ${node.name}`,
    TRUSTED_XML_LIMITS,
  );

/** Poll the DC's CIB until `done` holds; the seconds it took, and the last status read. */
async function until(
  dc: LiveNode,
  timeoutMs: number,
  done: (s: StatusSummary) => boolean,
  log: (line: string) => void,
): Promise<{ seconds: number; status: StatusSummary }> {
  const t0 = performance.now();
  let status: StatusSummary = { runningOn: new Map(), results: 0 };
  for (;;) {
    // A DC too busy to answer one query within the request timeout is a finding, not the end:
    // the overall timeout decides, and the slow answer is logged.
    const asked = performance.now();
    try {
      status = summarizeStatus(await query(dc));
    } catch (e) {
      log(
        `bench:live: cib.query on ${dc.name} failed after ${Math.round(performance.now() - asked)} ms: ${(e as Error).message}`,
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    if (done(status) || seconds * 1000 > timeoutMs) return { seconds, status };
    // Each query makes the DC serialize its whole CIB: wait at least twice as long as the last
    // one took, so the measurement does not become the DC's main load.
    await new Promise((r) => setTimeout(r, Math.max(POLL_MS, 2 * (performance.now() - asked))));
  }
}

interface Stats {
  bytes: number;
  maxIntervalMs: number;
}
/** Every node's hb.send-stats, starting a new window on each. */
const sendStats = (nodes: readonly LiveNode[]): Promise<Stats[]> =>
  Promise.all(nodes.map((n) => request<Stats>(n, "hb.send-stats", { reset: true })));

/**
 * 3 hbxd, then `count` primitives of `agent` added by one cib.patch at the DC: the time until
 * all run, then the time to drain a non-DC node put in standby with crm_standby, the bus bytes
 * sent meanwhile per operation result, the heartbeats' worst interval and the hbxd memory.
 */
export async function measureScale(
  agent: BenchAgent,
  count: number,
  log: (line: string) => void,
): Promise<ScaleRun> {
  let root = "";
  const cluster = new LiveCluster(["alpha", "bravo", "charlie"], [], (node) => {
    const rsctmp = join(root, "rsctmp", node);
    mkdirSync(rsctmp, { recursive: true });
    return { OCF_ROOT: join(root, "ocf"), HA_RSCTMP: rsctmp };
  });
  root = cluster.root;
  ocfRoot(root);
  cluster.start();
  try {
    const dcName = await cluster.waitReady(60_000);
    const dc = cluster.nodes.find((n) => n.name === dcName)!;
    const ids = Array.from({ length: count }, (_, i) => `r${String(i + 1).padStart(4, "0")}`);
    const base = await query(dc);
    const after = cloneElement(base);
    const resources = firstChild(firstChild(after, "configuration")!, "resources")!;
    for (const id of ids)
      resources.children.push(
        element("primitive", { id, class: agent.standard, provider: agent.provider, type: agent.type }),
      );
    const patch = serializeXml(makePatch(base, after), { pretty: false });
    log(`bench:live: 3 hbxd up, DC ${dcName}; adding ${count} × ${agentName(agent)}`);

    await sendStats(cluster.nodes);
    const t0 = performance.now();
    await request(dc, "cib.patch", { patch });
    const startTimeout = 60_000 + count * 200;
    const start = await until(
      dc,
      startTimeout,
      (s) => ids.every((id) => s.runningOn.get(id)?.length === 1),
      log,
    );
    const startSeconds = (performance.now() - t0) / 1000;
    const started = ids.filter((id) => start.status.runningOn.get(id)?.length === 1).length;
    const startStats = await sendStats(cluster.nodes);
    log(`bench:live: ${started}/${count} started in ${startSeconds.toFixed(2)} s`);

    // The non-DC node running the most: draining the DC would also re-elect, a different measure.
    const load = (name: string): number =>
      ids.filter((id) => start.status.runningOn.get(id)?.[0] === name).length;
    const target = cluster.nodes.filter((n) => n !== dc).sort((a, b) => load(b.name) - load(a.name))[0];
    const onTarget = ids.filter((id) => start.status.runningOn.get(id)?.[0] === target.name);
    const t1 = performance.now();
    // A cluster still busy with the start may refuse the tool: that is a failed drain, reported.
    const standby = await promisify(execFile)(join(BIN, "crm_standby"), ["-N", target.name, "-v", "on"], {
      env: { ...process.env, HBX_SOCKET: dc.socket },
      timeout: 60_000,
    }).then(
      () => true,
      (e: { stderr?: string; message: string }) => {
        log(`bench:live: crm_standby -N ${target.name} -v on failed: ${(e.stderr ?? e.message).trim()}`);
        return false;
      },
    );
    const moved = (s: StatusSummary): number =>
      onTarget.filter((id) => {
        const on = s.runningOn.get(id) ?? [];
        return on.length === 1 && on[0] !== target.name;
      }).length;
    const drain = standby
      ? await until(dc, 120_000, (s) => moved(s) === onTarget.length, log)
      : { status: { runningOn: new Map(), results: start.status.results } };
    const drainSeconds = (performance.now() - t1) / 1000;
    const drainStats = await sendStats(cluster.nodes);
    log(
      `bench:live: ${moved(drain.status)}/${onTarget.length} moved off ${target.name} in ${drainSeconds.toFixed(2)} s`,
    );

    const memory = cluster.pids().map((pid) => (pid === undefined ? undefined : readMemory(pid)));
    const all = [...startStats, ...drainStats];
    return {
      agent: agentName(agent),
      resources: count,
      started,
      startSeconds,
      drainedFrom: onTarget.length,
      moved: moved(drain.status),
      drainSeconds,
      busBytes: all.reduce((s, x) => s + x.bytes, 0),
      results: drain.status.results,
      rssKb: Math.max(0, ...memory.map((m) => m?.rssKb ?? 0)),
      peakRssKb: Math.max(0, ...memory.map((m) => m?.peakKb ?? 0)),
      worstHeartbeatMs: Math.max(0, ...all.map((x) => x.maxIntervalMs)),
      keepaliveMs: KEEPALIVE_MS,
    };
  } finally {
    // Kept for a look at the nodes' logs, as the test clusters do.
    await cluster.stop(process.env.HBX_KEEP_TEST_DIR !== undefined);
  }
}

function readMemory(pid: number): ReturnType<typeof parseProcMemory> {
  try {
    return parseProcMemory(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return undefined;
  }
}
