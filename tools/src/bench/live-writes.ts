import { execFile } from "node:child_process";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import {
  TRUSTED_XML_LIMITS,
  type XmlElement,
  childElements,
  cloneElement,
  element,
  firstChild,
  makePatch,
  parseXml,
  readVersion,
  serializeXml,
} from "@hbx/cib";
import { IpcClient } from "@hbx/crmd";
import { BIN, LiveCluster, type LiveNode, cpuSeconds } from "./live-cluster.js";
import { bundleFresh } from "./run.js";

/** One measured way of writing: how many writers, how many writes acknowledged, how fast. */
export interface LiveWriteRow {
  path: string;
  writers: number;
  sent: number;
  acked: number;
  /** Acknowledged writes found in the CIB afterwards (read from the DC's node). */
  present: number;
  seconds: number;
  /** New CIB versions the writes were stored in (epoch for the configuration, num_updates for the status). */
  versions: number;
  /** CPU seconds the three hbxd used meanwhile, when they could be read. */
  hbxdCpu?: number;
  /** CPU seconds the writers used: the bench's socket clients, or the crm_attribute processes. */
  clientCpu?: number;
}

interface Options {
  clients: number;
  ops: number;
  toolProcesses: number;
  toolWrites: number;
  dcOnly: boolean;
  paths: readonly LivePath[];
  cpuProf?: string;
}

const LIVE_PATHS = ["patch", "status", "tool"] as const;
type LivePath = (typeof LIVE_PATHS)[number];

const USAGE = `Usage: bench:live [options]
Starts 3 hbxd in CRM mode on loopback and measures acknowledged CIB writes per second.

  --clients N        concurrent socket clients (default 128)
  --ops N            writes per socket client (default 4)
  --tool-procs N     crm_attribute processes at a time (default 8)
  --tool-writes N    writes per crm_attribute writer (default 4)
  --dc-only          every writer on the DC's node (default: spread over the 3 nodes)
  --paths LIST       which of patch,status,tool to measure (default all three)
  --cpu-prof DIR     run each hbxd with --cpu-prof into DIR (profiles written at exit)
`;

async function query(node: LiveNode): Promise<XmlElement> {
  const c = await IpcClient.connect(node.socket, 2000);
  try {
    const r = await c.request<{ xml: string }>("cib.query", {}, 20_000);
    return parseXml(r.xml, `cib.query from ${node.name}`, TRUSTED_XML_LIMITS);
  } finally {
    c.close();
  }
}

function crmConfigOptions(cib: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  const crmConfig = firstChild(firstChild(cib, "configuration")!, "crm_config")!;
  for (const set of childElements(crmConfig, "cluster_property_set"))
    for (const nv of childElements(set, "nvpair")) out.set(nv.attrs.name ?? "", nv.attrs.value ?? "");
  return out;
}

function transientAttributes(cib: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const ns of childElements(firstChild(cib, "status")!, "node_state"))
    for (const ta of childElements(ns, "transient_attributes"))
      for (const set of childElements(ta, "instance_attributes"))
        for (const nv of childElements(set, "nvpair"))
          out.set(`${ns.attrs.uname}/${nv.attrs.name}`, nv.attrs.value ?? "");
  return out;
}

/** `writers` connections, each sending `ops` requests back to back; counts the acknowledged ones. */
async function socketWriters(
  nodes: readonly LiveNode[],
  writers: number,
  ops: number,
  request: (w: number, k: number) => { op: string; args: Record<string, unknown> },
): Promise<{ acked: number; seconds: number }> {
  let acked = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const client = await IpcClient.connect(nodes[w % nodes.length].socket, 5000);
      try {
        for (let k = 0; k < ops; k++) {
          const { op, args } = request(w, k);
          await client.request(op, args, 60_000).then(
            () => acked++,
            () => undefined,
          );
        }
      } finally {
        client.close();
      }
    }),
  );
  return { acked, seconds: (performance.now() - t0) / 1000 };
}

/** cib.patch, each creating its own crm_config nvpair (what crm_attribute -n X -v Y sends). */
async function measurePatches(
  dc: LiveNode,
  writerNodes: readonly LiveNode[],
  o: Options,
): Promise<LiveWriteRow> {
  const base = await query(dc);
  const patchFor = (name: string): string => {
    const after = cloneElement(base);
    const set = childElements(firstChild(firstChild(after, "configuration")!, "crm_config")!)[0];
    set.children.push(element("nvpair", { id: `bench-${name}`, name, value: "1" }));
    return serializeXml(makePatch(base, after), { pretty: false });
  };
  const names = (w: number, k: number): string => `patch-${w}-${k}`;
  // Made before the clock starts: the measurement is of the cluster, not of the bench's diffs.
  const patches = Array.from({ length: o.clients }, (_, w) =>
    Array.from({ length: o.ops }, (_, k) => patchFor(names(w, k))),
  );
  const { acked, seconds } = await socketWriters(writerNodes, o.clients, o.ops, (w, k) => ({
    op: "cib.patch",
    args: { patch: patches[w][k] },
  }));
  const after = await query(dc);
  const have = crmConfigOptions(after);
  let present = 0;
  for (let w = 0; w < o.clients; w++)
    for (let k = 0; k < o.ops; k++) if (have.get(names(w, k)) === "1") present++;
  return {
    path: "socket cib.patch",
    writers: o.clients,
    sent: o.clients * o.ops,
    acked,
    present,
    seconds,
    versions: readVersion(after).epoch - readVersion(base).epoch,
  };
}

/** cib.status-update, each setting its own transient attribute of a node (crm_attribute -l reboot). */
async function measureStatusUpdates(
  dc: LiveNode,
  all: readonly LiveNode[],
  writerNodes: readonly LiveNode[],
  o: Options,
): Promise<LiveWriteRow> {
  const base = await query(dc);
  const target = (w: number): string => all[w % all.length].name;
  const name = (w: number, k: number): string => `status-${w}-${k}`;
  const { acked, seconds } = await socketWriters(writerNodes, o.clients, o.ops, (w, k) => ({
    op: "cib.status-update",
    args: { node: target(w), set: { [name(w, k)]: "1" } },
  }));
  const after = await query(dc);
  const have = transientAttributes(after);
  let present = 0;
  for (let w = 0; w < o.clients; w++)
    for (let k = 0; k < o.ops; k++) if (have.get(`${target(w)}/${name(w, k)}`) === "1") present++;
  return {
    path: "socket cib.status-update",
    writers: o.clients,
    sent: o.clients * o.ops,
    acked,
    present,
    seconds,
    versions: readVersion(after).numUpdates - readVersion(base).numUpdates,
  };
}

/** crm_attribute processes, `toolProcesses` at a time, each writer running `toolWrites` one after another. */
async function measureCrmAttribute(
  dc: LiveNode,
  writerNodes: readonly LiveNode[],
  o: Options,
): Promise<LiveWriteRow> {
  const base = await query(dc);
  const exec = promisify(execFile);
  const name = (w: number, k: number): string => `tool-${w}-${k}`;
  let acked = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.toolProcesses }, async (_, w) => {
      for (let k = 0; k < o.toolWrites; k++) {
        await exec(join(BIN, "crm_attribute"), ["-n", name(w, k), "-v", "1"], {
          env: { ...process.env, HBX_SOCKET: writerNodes[w % writerNodes.length].socket },
          timeout: 60_000,
        }).then(
          () => acked++,
          () => undefined,
        );
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = await query(dc);
  const have = crmConfigOptions(after);
  let present = 0;
  for (let w = 0; w < o.toolProcesses; w++)
    for (let k = 0; k < o.toolWrites; k++) if (have.get(name(w, k)) === "1") present++;
  return {
    path: "crm_attribute processes",
    writers: o.toolProcesses,
    sent: o.toolProcesses * o.toolWrites,
    acked,
    present,
    seconds,
    versions: readVersion(after).epoch - readVersion(base).epoch,
  };
}

const HEADER = [
  "path",
  "writers",
  "sent",
  "acked",
  "present",
  "seconds",
  "commits/s",
  "versions",
  "hbxd CPU ms/commit",
  "writers' CPU ms/commit",
];

const perCommit = (cpu: number | undefined, acked: number): string =>
  cpu === undefined || acked === 0 ? "-" : ((cpu * 1000) / acked).toFixed(1);

/** The rows as an aligned text table. */
export function formatLiveWrites(rows: readonly LiveWriteRow[]): string {
  const cells = rows.map((r) => [
    r.path,
    String(r.writers),
    String(r.sent),
    String(r.acked),
    String(r.present),
    r.seconds.toFixed(2),
    (r.acked / r.seconds).toFixed(1),
    String(r.versions),
    perCommit(r.hbxdCpu, r.acked),
    perCommit(r.clientCpu, r.acked),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]): string =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ");
  return [line(HEADER), ...cells.map(line)].join("\n") + "\n";
}

function count(values: Record<string, unknown>, key: string, fallback: number): number {
  const raw = values[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${key} expects a whole number, 1 or more, found "${String(raw)}"`);
  return n;
}

/** `pnpm bench:live`. Exit 0 when every acknowledged write was found afterwards, 1 otherwise, 2 on misuse. */
export async function runLiveWrites(
  argv: readonly string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  let o: Options;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        clients: { type: "string" },
        ops: { type: "string" },
        "tool-procs": { type: "string" },
        "tool-writes": { type: "string" },
        "dc-only": { type: "boolean" },
        paths: { type: "string" },
        "cpu-prof": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    o = {
      clients: count(values, "clients", 128),
      ops: count(values, "ops", 4),
      toolProcesses: count(values, "tool-procs", 8),
      toolWrites: count(values, "tool-writes", 4),
      dcOnly: values["dc-only"] === true,
      paths: (values.paths ?? LIVE_PATHS.join(",")).split(",").map((p) => {
        if (!(LIVE_PATHS as readonly string[]).includes(p))
          throw new Error(`--paths: expected some of ${LIVE_PATHS.join(",")}, found "${p}"`);
        return p as LivePath;
      }),
      cpuProf: values["cpu-prof"],
    };
  } catch (e) {
    io.stderr.write(`bench:live: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  // Checked again after the run: a build of the modules meanwhile makes the bundle stale too.
  const warnIfStale = async (when: string): Promise<void> => {
    if (o.paths.includes("tool") && !(await bundleFresh("crm_attribute")))
      io.stderr.write(
        `bench:live: warning: crm_attribute's bundle is missing or older than its modules ${when}, so ` +
          "each process loads them and the crm_attribute row measures that: run `pnpm run build` first\n",
      );
  };
  await warnIfStale("before the run");
  const cluster = new LiveCluster(
    ["alpha", "bravo", "charlie"],
    o.cpuProf === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", o.cpuProf],
  );
  cluster.start();
  try {
    const dcName = await cluster.waitReady(60_000);
    const dc = cluster.nodes.find((n) => n.name === dcName)!;
    const writerNodes = o.dcOnly ? [dc] : cluster.nodes;
    io.stderr.write(`bench:live: 3 hbxd up, DC ${dcName}; measuring\n`);
    const rows: LiveWriteRow[] = [];
    // The CPU each path costs, besides its rate: the writers' (this process and the tools it
    // waited for) and the three hbxd's, read before and after.
    const withCpu = async (measure: () => Promise<LiveWriteRow>): Promise<LiveWriteRow> => {
      const hbxd = cluster.cpuSeconds();
      const writers = cpuSeconds("self", true);
      const row = await measure();
      const hbxdAfter = cluster.cpuSeconds();
      const writersAfter = cpuSeconds("self", true);
      if (hbxd !== undefined && hbxdAfter !== undefined) row.hbxdCpu = hbxdAfter - hbxd;
      if (writers !== undefined && writersAfter !== undefined) row.clientCpu = writersAfter - writers;
      return row;
    };
    if (o.paths.includes("patch")) rows.push(await withCpu(() => measurePatches(dc, writerNodes, o)));
    if (o.paths.includes("status"))
      rows.push(await withCpu(() => measureStatusUpdates(dc, cluster.nodes, writerNodes, o)));
    if (o.paths.includes("tool")) rows.push(await withCpu(() => measureCrmAttribute(dc, writerNodes, o)));
    io.stdout.write(
      `CIB writes on 3 nodes (loopback), writers ${o.dcOnly ? "all on the DC" : "spread over the nodes"}:\n`,
    );
    io.stdout.write(formatLiveWrites(rows));
    await warnIfStale("after the run");
    return rows.every((r) => r.present === r.acked) ? 0 : 1;
  } finally {
    await cluster.stop();
  }
}
