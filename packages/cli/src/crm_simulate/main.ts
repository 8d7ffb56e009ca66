import type { XmlElement } from "@hbx/cib";
import { openCibSource } from "../common/cib-source.js";
import { processIo } from "../common/io.js";
import { readSimulateArgs } from "./args.js";
import { run, wantsLiveCib } from "./run.js";

const argv = process.argv.slice(2);
// -L reads the current CIB first (CIB_file, else the live cluster through hbxd): the reading is
// asynchronous, the simulation is not.
let live: XmlElement | Error | undefined;
if (wantsLiveCib(argv)) {
  try {
    const io = processIo();
    const socket = readSimulateArgs(argv).socket;
    if (socket !== undefined) io.env = { ...io.env, HBX_SOCKET: socket };
    live = await openCibSource(io).read();
  } catch (e) {
    live = e instanceof Error ? e : new Error(String(e));
  }
}
process.exitCode = run(argv, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  live,
  env: process.env,
});
