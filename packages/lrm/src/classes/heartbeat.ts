import { join } from "node:path";
import { OcfExitCode } from "../codes.js";
import { type ProcessOutcome } from "../process/run-process.js";
import { type AgentSpec, type OperationRequest } from "../types.js";
import { done, isExecutableFile, lsbActionRc, signalled } from "./common.js";
import { type AgentClass, type AgentDirs, type InterpretedResult, type PreparedCommand } from "./types.js";

/**
 * Heartbeat v1 resource scripts: `script [args…] start|stop|status`, the arguments being the
 * `::`-separated ones of haresources (IPaddr::10.0.0.10/24/eth0). In the request they are the
 * params "1", "2", … in order.
 */
export function heartbeatArgs(params: Readonly<Record<string, string>>): string[] {
  const args: string[] = [];
  for (let i = 1; params[String(i)] !== undefined; i++) args.push(params[String(i)]);
  return args;
}

/**
 * Heartbeat reads status from the output, not the exit code: "running" or "OK" means running;
 * "stopped" or "No" means stopped (the words the heartbeat scripts print). Output with neither
 * word is read from the exit status: 0 stopped-and-healthy is impossible to tell from
 * "unknown", so a non-zero exit is an error and a zero exit without either word is "stopped".
 */
export function heartbeatStatus(output: string, exitCode: number): number {
  if (/running|OK/.test(output)) return OcfExitCode.OK;
  if (/stopped|No/.test(output)) return OcfExitCode.NOT_RUNNING;
  return exitCode === 0 ? OcfExitCode.NOT_RUNNING : OcfExitCode.UNKNOWN_ERROR;
}

export class HeartbeatClass implements AgentClass {
  readonly standard = "heartbeat" as const;
  constructor(private readonly dirs: AgentDirs) {}

  locate(spec: AgentSpec): string | undefined {
    if (spec.type.includes("/")) return undefined;
    for (const dir of [...this.dirs.heartbeatDirs, this.dirs.initDir]) {
      const path = join(dir, spec.type);
      if (isExecutableFile(path)) return path;
    }
    return undefined;
  }

  notInstalledReason(spec: AgentSpec): string {
    return `${spec.type}: No such file or directory`;
  }

  prepare(req: OperationRequest, path: string, baseEnv: Readonly<Record<string, string>>): PreparedCommand {
    const action = req.action === "monitor" ? "status" : req.action;
    return { command: path, args: [...heartbeatArgs(req.params), action], env: { ...baseEnv } };
  }

  interpret(req: OperationRequest, outcome: ProcessOutcome): InterpretedResult {
    const sig = signalled(outcome);
    if (sig) return sig;
    const code = outcome.exitCode!;
    if (req.action === "monitor" || req.action === "status") {
      return done(heartbeatStatus(`${outcome.stdout}\n${outcome.stderr}`, code));
    }
    return done(lsbActionRc(code));
  }
}
