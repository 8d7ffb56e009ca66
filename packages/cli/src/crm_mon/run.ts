import { unpackCluster } from "@hbx/pengine";
import { openCibSource } from "../common/cib-source.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { runTool } from "../common/tool.js";
import { HELP, type MonOptions, readOptions } from "./options.js";
import { NagiosExit, simpleStatus } from "./simple.js";
import { textReport } from "./text.js";
import { xmlError, xmlReport } from "./xml.js";

/** crm_mon as a function: arguments in, the status report out, Pacemaker's exit code back. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  return runTool(io, async () => {
    const opts = readOptions(argv);
    if (opts.help) {
      io.stdout(HELP);
      return CrmExit.OK;
    }
    if (opts.version) {
      io.stdout(
        "Pacemaker 2.1.5 (hbx 0.1.0)\nWritten by Andrew Beekhof and the Pacemaker project contributors\n",
      );
      return CrmExit.OK;
    }
    let cib;
    try {
      cib = await openCibSource(io).read();
    } catch (e) {
      if (e instanceof CliError) return connectionFailed(io, opts, e);
      throw e;
    }
    const now = io.now();
    const ws = unpackCluster(cib, { now });
    if (opts.simple) {
      const s = simpleStatus(ws);
      io.stdout(`${s.line}\n`);
      return s.code;
    }
    if (opts.format === "xml") {
      io.stdout(xmlReport(ws, opts, now));
      return CrmExit.OK;
    }
    io.stdout(textReport(ws, opts, now).join("\n") + "\n");
    return CrmExit.OK;
  });
}

/**
 * The CIB could not be read. Without CIB_file Pacemaker says the cluster is unreachable and
 * exits 102 (-s: CLUSTER CRIT, 2); for a bad CIB_file it prints "Could not connect to the CIB".
 */
function connectionFailed(io: CliIo, opts: MonOptions, e: CliError): number {
  const live = io.env.CIB_file === undefined || io.env.CIB_file === "";
  const message = live ? "Connection to cluster failed: Connection refused" : e.message;
  if (opts.simple) {
    io.stdout(`CLUSTER CRIT: ${message}\n`);
    return NagiosExit.CRIT;
  }
  if (opts.format === "xml") {
    io.stdout(xmlError(opts, message, e.exitCode));
    return e.exitCode;
  }
  io.stderr(live ? `crm_mon: ${message}\n` : `${message}\n`);
  return e.exitCode;
}
