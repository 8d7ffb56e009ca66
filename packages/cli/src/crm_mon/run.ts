import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { unpackCluster } from "@hbx/pengine";
import { openCibSource } from "../common/cib-source.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { runTool } from "../common/tool.js";
import { escapeHtml, htmlPage, htmlReport } from "./html.js";
import { versionOutput } from "../common/args.js";
import { HELP, type MonOptions, readOptions } from "./options.js";
import { CLEAR_SCREEN, type MonHost, refreshLoop, writeFileWhole } from "./refresh.js";
import { NagiosExit, simpleStatus } from "./simple.js";
import { textReport } from "./text.js";
import { xmlError, xmlReport } from "./xml.js";

/** Set in the environment of the background copy `crm_mon --daemonize` starts. */
export const DAEMON_CHILD_ENV = "HBX_CRM_MON_DAEMON_CHILD";

/** One rendering of the status: what goes to stdout (or the file), to stderr, and the exit code. */
interface Report {
  out: string;
  err: string;
  code: number;
}

/**
 * crm_mon as a function: arguments in, the status report out, Pacemaker's exit code back.
 * With a `host` (the real process) crm_mon refreshes on a terminal, or with -i, until quit.
 */
export async function run(argv: string[], io: CliIo, host?: MonHost): Promise<number> {
  return runTool(io, async () => {
    const opts = readOptions(argv, host?.stdoutIsTty ?? false);
    if (opts.help) {
      io.stdout(HELP);
      return CrmExit.OK;
    }
    if (opts.version) {
      io.stdout(versionOutput("crm_mon", opts.format === "xml" ? "xml" : undefined));
      return CrmExit.OK;
    }
    // --socket wins over $HBX_SOCKET for this run (openCibSource reads it from io.env).
    if (opts.socket !== undefined) io.env = { ...io.env, HBX_SOCKET: opts.socket };
    const background = opts.daemonize && io.env[DAEMON_CHILD_ENV] === "1";
    if (opts.daemonize && !background) return startBackground(argv, io, opts, host);
    if (opts.oneShot || host === undefined) {
      const r = await report(io, opts);
      emit(io, opts, r, "");
      return r.code;
    }
    if (background && opts.pidFile) removePidfileOnExit(path.resolve(io.cwd, opts.pidFile));
    await refreshLoop(
      async () => emit(io, opts, await report(io, opts), CLEAR_SCREEN),
      opts.intervalMs,
      host,
    );
    return CrmExit.OK;
  });
}

/** Read the CIB once and render it in the asked format. */
async function report(io: CliIo, opts: MonOptions): Promise<Report> {
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
    return { out: `${s.line}\n`, err: "", code: s.code };
  }
  const ok = (out: string) => ({ out, err: "", code: CrmExit.OK });
  if (opts.format === "xml") return ok(xmlReport(ws, opts, now));
  // A page rewritten every interval tells the browser showing it to reload as often.
  const refresh = opts.oneShot ? undefined : Math.max(1, Math.round(opts.intervalMs / 1000));
  if (opts.format === "html") return ok(htmlReport(ws, opts, now, refresh));
  return ok(textReport(ws, opts, now).join("\n") + "\n");
}

/**
 * Put a report where it goes: the --output-to file whole (errors included, so the page says
 * why it is stale), else stdout and stderr; a redraw on a terminal starts with `clear`.
 */
function emit(io: CliIo, opts: MonOptions, r: Report, clear: string): void {
  if (opts.outputTo !== undefined) {
    writeFileWhole(path.resolve(io.cwd, opts.outputTo), r.out + r.err);
    return;
  }
  if (clear !== "") {
    io.stdout(clear + r.out + r.err);
    return;
  }
  if (r.out !== "") io.stdout(r.out);
  if (r.err !== "") io.stderr(r.err);
}

/**
 * --daemonize: start this same command again, detached, with its output going nowhere but the
 * --output-to file, and return at once; --pid-file gets the background copy's pid before this
 * process exits, so whoever started it can stop it with SIGTERM.
 */
function startBackground(argv: string[], io: CliIo, opts: MonOptions, host?: MonHost): number {
  if (host === undefined)
    throw new CliError(CrmExit.UNIMPLEMENT_FEATURE, "crm_mon: --daemonize needs a process of its own");
  const child = spawn(process.execPath, [host.script, ...argv], {
    cwd: io.cwd,
    env: { ...io.env, [DAEMON_CHILD_ENV]: "1" },
    detached: true,
    stdio: "ignore",
  });
  if (child.pid === undefined)
    throw new CliError(CrmExit.ERROR, "crm_mon: could not start the background process");
  if (opts.pidFile) {
    const fd = openSync(path.resolve(io.cwd, opts.pidFile), "w", 0o644);
    writeSync(fd, `${child.pid}\n`);
    closeSync(fd);
  }
  child.unref();
  return CrmExit.OK;
}

/** The background copy removes its pidfile when it ends, unless another process took it over. */
function removePidfileOnExit(file: string): void {
  process.once("exit", () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // Already gone.
    }
  });
}

/**
 * The CIB could not be read. Without CIB_file Pacemaker says the cluster is unreachable and
 * exits 102 (-s: CLUSTER CRIT, 2); for a bad CIB_file it prints "Could not connect to the CIB".
 */
function connectionFailed(io: CliIo, opts: MonOptions, e: CliError): Report {
  const live = io.env.CIB_file === undefined || io.env.CIB_file === "";
  const message = live ? "Connection to cluster failed: Connection refused" : e.message;
  if (opts.simple) return { out: `CLUSTER CRIT: ${message}\n`, err: "", code: NagiosExit.CRIT };
  if (opts.format === "xml") return { out: xmlError(opts, message, e.exitCode), err: "", code: e.exitCode };
  if (opts.format === "html")
    return {
      out: htmlPage("Cluster Status", `<h2>Error</h2>\n<p class="warning">${escapeHtml(message)}</p>\n`),
      err: "",
      code: e.exitCode,
    };
  return { out: "", err: live ? `crm_mon: ${message}\n` : `${message}\n`, code: e.exitCode };
}
