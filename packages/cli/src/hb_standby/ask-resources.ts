/**
 * Heartbeat's hb_standby and hb_takeover for haresources (v1) mode: one argument, all (the
 * default), local, foreign or failback (the groups that go back to their home node: the foreign
 * ones for a standby, this node's own for a takeover); usage on stderr and exit 1
 * for anything else, as Heartbeat's scripts do. The request goes to hbxd over its socket
 * (`--socket PATH` or HBX_SOCKET), which gives the groups up (standby) or asks the peers for
 * them (takeover) and logs "Giving up … HA resources (standby)."; nothing is printed on success.
 */
import { IpcClient, IpcError, resolveSocketPath } from "@hbx/crmd";
import { Args, type OptionSpec, parseArgs, socketOption, versionText } from "../common/args.js";
import { CliError } from "../common/exit-codes.js";
import type { CliIo } from "../common/io.js";

const SETS = new Set(["all", "local", "foreign", "failback"]);

/** hb_standby's and hb_takeover's options: Heartbeat's scripts took none but --help. */
export const ASK_RESOURCES_OPTIONS: OptionSpec[] = [
  { key: "help", short: "h", long: ["help"] },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
];

/** The usage both print, as the man page shows it. */
export function askResourcesHelp(tool: string): string {
  return `usage:
${tool} [all|foreign|local|failback]

  -h, --help        Show this usage
  -$, --version     Display software version and exit
  --socket=PATH     hbxd's socket (default $HBX_SOCKET or /run/hbx/hbxd.sock)
`;
}

export async function askResources(
  tool: "hb_standby" | "hb_takeover",
  argv: string[],
  io: CliIo,
): Promise<number> {
  const usage = (): number => {
    io.stderr(`usage:\n${tool} [all|foreign|local|failback]\n`);
    return 1;
  };
  let args: Args;
  try {
    args = new Args(parseArgs(argv, ASK_RESOURCES_OPTIONS, tool));
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    io.stdout(`${e.message}\n`);
    return usage();
  }
  if (args.has("help")) return usage();
  if (args.has("version")) {
    io.stdout(versionText(tool));
    return 0;
  }
  const socket = args.get("socket");
  const words = args.parsed.rest;
  if (words.length > 1) {
    io.stdout(`${tool}: too many arguments\n`);
    return usage();
  }
  const which = words[0] ?? "all";
  if (!SETS.has(which)) {
    io.stdout(`${tool}: wrong resources(${which}).\n`);
    return usage();
  }
  let client: IpcClient;
  try {
    client = await IpcClient.connect(resolveSocketPath(socket, io.env));
  } catch (e) {
    io.stderr(`${tool}: cannot reach hbxd: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    await client.request(tool === "hb_standby" ? "v1.standby" : "v1.takeover", { which });
    return 0;
  } catch (e) {
    io.stderr(`${tool}: ${e instanceof IpcError ? e.message : String(e)}\n`);
    return 1;
  } finally {
    client.close();
  }
}
