import { IpcClient, IpcError, resolveSocketPath, type HeartbeatStatus } from "@hbx/crmd";
import { Args, type OptionSpec, parseArgs, socketOption, versionText } from "../common/args.js";
import { CliError } from "../common/exit-codes.js";
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

/** cl_status's options, on the parser every tool shares; Heartbeat's flags plus --socket. */
export const OPTIONS: OptionSpec[] = [
  { key: "help", short: "h", long: ["help"] },
  { key: "version", short: "$", long: ["version"] },
  { key: "verbose", short: "v", long: ["verbose"] },
  { key: "human", short: "m", long: ["human"] },
  { key: "ping", short: "p", long: ["ping"] },
  { key: "normal", short: "n", long: ["normal"] },
  socketOption,
];

/** Heartbeat 3.0.6's usage screen, listing the sub-commands hbx answers. */
export const HELP = `Usage: cl_status <sub-command> [<options>] [<parameters>]

Sub-commands:
clientstatus <node-name> <client-id> [<timeout>]
\tShow the status of heartbeat clients.
hblinkstatus <node-name> <link-name>
\tShow the status of a heartbeat link
hbstatus
\tIndicate if heartbeat is running on the local system.
\tOptions:
\t\t-v\tverbose: also add "listnodes -v" output
listnodes [<option>]
\tList the nodes in the cluster.
\tOptions:
\t\t-p\tlist only 'ping' type nodes
\t\t-n\tlist only 'normal' type nodes
listhblinks <node-name>
\tList the network interfaces used as hearbeat links.
nodestatus <node-name>
\tList the node status.
nodetype <node-name>
\tList the nodes of a given type.
rscstatus
\tShow the status of cluster resources.

Options:
  -m, --human       Make the output more human readable
  -v, --verbose     Verbose output (hbstatus)
  -p, --ping        List only 'ping' type nodes (listnodes)
  -n, --normal      List only 'normal' type nodes (listnodes)
  --socket=PATH     hbxd's socket (default $HBX_SOCKET or /run/hbx/hbxd.sock)
  -h, --help        Show this help
  -$, --version     Display software version and exit
`;

function parse(argv: string[]): Parsed & { help: boolean; version: boolean } {
  const args = new Args(parseArgs(argv, OPTIONS, "cl_status"));
  const [command = "", ...params] = args.parsed.rest;
  return {
    command,
    params,
    verbose: args.has("verbose"),
    human: args.has("human"),
    pingOnly: args.has("ping"),
    normalOnly: args.has("normal"),
    socket: args.get("socket"),
    help: args.has("help"),
    version: args.has("version"),
  };
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
  const log = (msg: string) => io.stderr(`cl_status: ERROR: ${msg}\n`);
  let p: ReturnType<typeof parse>;
  try {
    p = parse(argv);
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    // Heartbeat's cl_status takes anything it does not know for a sub-command: exit 11.
    log(e.message.replace(/^cl_status: /, ""));
    return EXIT.usage;
  }
  // As Heartbeat's: no sub-command, or -h, prints the usage screen on stdout and exits 0.
  if (p.help || (p.command === "" && !p.version)) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (p.version) {
    io.stdout(versionText("cl_status"));
    return EXIT.ok;
  }
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
