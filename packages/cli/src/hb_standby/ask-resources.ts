/**
 * Heartbeat's hb_standby and hb_takeover for haresources (v1) mode: one argument, all (the
 * default), local, foreign or failback (the groups that go back to their home node: the foreign
 * ones for a standby, this node's own for a takeover); usage on stderr and exit 1
 * for anything else, as Heartbeat's scripts do. The request goes to hbxd over its socket
 * (`--socket PATH` or HBX_SOCKET), which gives the groups up (standby) or asks the peers for
 * them (takeover) and logs "Giving up … HA resources (standby)."; nothing is printed on success.
 */
import { IpcClient, IpcError, resolveSocketPath } from "@hbx/crmd";
import type { CliIo } from "../common/io.js";

const SETS = new Set(["all", "local", "foreign", "failback"]);

export async function askResources(
  tool: "hb_standby" | "hb_takeover",
  argv: string[],
  io: CliIo,
): Promise<number> {
  let socket: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--socket") socket = argv[++i];
    else if (a.startsWith("--socket=")) socket = a.slice("--socket=".length);
    else words.push(a);
  }
  const usage = (): number => {
    io.stderr(`usage:\n${tool} [all|foreign|local|failback]\n`);
    return 1;
  };
  if (words.length > 1) {
    io.stdout(`${tool}: too many arguments\n`);
    return usage();
  }
  const which = words[0] ?? "all";
  if (which === "--help") return usage();
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
