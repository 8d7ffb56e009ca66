import { IpcClient, IpcError, resolveSocketPath, type HeartbeatStatus } from "@hbx/crmd";
import type { CliIo } from "../common/io.js";
import { EXIT, formatVerbose } from "./format.js";

interface Parsed {
  command: string;
  params: string[];
  verbose: boolean;
  human: boolean;
  pingOnly: boolean;
  normalOnly: boolean;
  socket?: string;
}

function parse(argv: string[]): Parsed {
  const p: Parsed = {
    command: "",
    params: [],
    verbose: false,
    human: false,
    pingOnly: false,
    normalOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--socket") p.socket = argv[++i];
    else if (a.startsWith("--socket=")) p.socket = a.slice(9);
    else if (/^-[vmpn]+$/.test(a)) {
      if (a.includes("v")) p.verbose = true;
      if (a.includes("m")) p.human = true;
      if (a.includes("p")) p.pingOnly = true;
      if (a.includes("n")) p.normalOnly = true;
    } else if (!p.command) p.command = a;
    else p.params.push(a);
  }
  return p;
}

const COMMANDS = new Set([
  "hbstatus",
  "listnodes",
  "nodestatus",
  "nodetype",
  "listhblinks",
  "hblinkstatus",
  "clientstatus",
  "rscstatus",
]);

/** Heartbeat's cl_status over hbxd's IPC: same sub-commands, output and exit codes. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const p = parse(argv);
  const log = (msg: string) => io.stderr(`cl_status: ERROR: ${msg}\n`);
  if (!COMMANDS.has(p.command)) {
    log(`${p.command || "(none)"}: invalid sub-command.`);
    return EXIT.usage;
  }
  const need =
    { nodestatus: 1, nodetype: 1, listhblinks: 1, hblinkstatus: 2, clientstatus: 2 }[p.command] ?? 0;
  if (p.params.length < need) {
    io.stdout(p.command === "clientstatus" ? "No enough parameter.\n" : "Not enough parameters.\n");
    return EXIT.usage;
  }
  let client: IpcClient;
  try {
    client = await IpcClient.connect(resolveSocketPath(p.socket, io.env));
  } catch (e) {
    if (p.command === "hbstatus") io.stdout("Heartbeat is stopped on this machine.\n");
    log("Cannot signon with heartbeat");
    log(`REASON: ${(e as Error).message}`);
    return EXIT.notRunning;
  }
  try {
    const st = await client.request<HeartbeatStatus>("hb.status");
    return answer(p, st, io, log);
  } catch (e) {
    log(e instanceof IpcError ? e.message : String(e));
    return EXIT.notRunning;
  } finally {
    client.close();
  }
}

function answer(p: Parsed, st: HeartbeatStatus, io: CliIo, log: (m: string) => void): number {
  const out = (s: string) => io.stdout(s + "\n");
  const byName = new Map(st.nodes.map((n) => [n.name, n]));
  const node = p.params[0] ? byName.get(p.params[0].toLowerCase()) : undefined;
  switch (p.command) {
    case "hbstatus":
      if (p.verbose) io.stdout(formatVerbose(st));
      else out("Heartbeat is running on this machine.");
      return EXIT.ok;
    case "listnodes": {
      if (p.human) out("The nodes are as follow:");
      const names = st.nodes
        .filter((n) => (!p.pingOnly || n.type === "ping") && (!p.normalOnly || n.type === "normal"))
        .map((n) => n.name)
        .sort();
      for (const n of names) out(n);
      return EXIT.ok;
    }
    case "nodestatus":
      if (!node) {
        out("Error. May be due to incorrect node name");
        return EXIT.usage;
      }
      out(p.human ? `The cluster node ${node.name} is ${node.status}` : node.status);
      return node.status === "dead" ? EXIT.notRunning : EXIT.ok;
    case "nodetype":
      if (!node) {
        out("Error. May be due to incorrect node name");
        return EXIT.usage;
      }
      out(p.human ? `The type of the cluster node ${node.name} is ${node.type}` : node.type);
      return EXIT.ok;
    case "listhblinks":
      if (!node) {
        log("Cannot start heartbeat link interface walk.");
        log("REASON: EINVAL");
        return EXIT.link;
      }
      if (p.human) out("\tthis node has the following heartbeat links:");
      for (const l of node.links) out(`\t${l.name}`);
      return EXIT.ok;
    case "hblinkstatus": {
      const link = node?.links.find((l) => l.name === p.params[1]);
      if (!link) {
        log("Cannot get heartbeat link status");
        log("REASON: ");
        return EXIT.link;
      }
      out(p.human ? `The heartbeat link ${link.name} on node ${node!.name} is ${link.status}` : link.status);
      return link.status === "up" ? EXIT.ok : EXIT.notRunning;
    }
    case "clientstatus": {
      // hbxd has no Heartbeat API clients (ipfail, ccm); every named client is offline.
      const online = st.clients.some((c) => c.name === p.params[1]) && node?.status !== "dead";
      out(online ? "online" : "offline");
      return online ? EXIT.ok : EXIT.notRunning;
    }
    default: {
      // rscstatus is the v1 resource manager's state. With `crm on` Heartbeat has none and
      // refuses the query (api_get_resources: "Resource is managed by crm."), and so does hbxd.
      if (st.managedBy === "crm") {
        log("Cannot get the cluster resource status");
        log("REASON: Resource is managed by crm.Use crm tool to query resource");
        return EXIT.notRunning;
      }
      // hbxd's v1 mode answers for real; without it this node claims what it holds.
      if (st.rscStatus) {
        out(st.rscStatus);
        return EXIT.ok;
      }
      const others = st.nodes.some((n) => n.name !== st.local && n.type === "normal" && n.status !== "dead");
      out(others ? "local" : "all");
      return EXIT.ok;
    }
  }
}
