import { isAbsolute, join } from "node:path";
import { OcfExitCode } from "../codes.js";
import { type ProcessOutcome } from "../process/run-process.js";
import { type AgentSpec, type OperationRequest } from "../types.js";
import { done, existsAsFile, lsbActionRc, signalled } from "./common.js";
import { type AgentClass, type AgentDirs, type InterpretedResult, type PreparedCommand } from "./types.js";

/**
 * LSB status codes mapped to OCF. 0 running, 3 stopped; 1 (dead, pid file left) and 2 (dead,
 * lock file left) mean the service died rather than was stopped, so they are failures, not a
 * clean "not running"; 4 is "status unknown"; anything else a generic error.
 */
export function lsbStatusToOcf(exitCode: number): number {
  switch (exitCode) {
    case 0:
      return OcfExitCode.OK;
    case 3:
      return OcfExitCode.NOT_RUNNING;
    default:
      return OcfExitCode.UNKNOWN_ERROR;
  }
}

/** The init-script action for an LRM action: monitor is "status". */
export function lsbAction(action: string): string {
  return action === "monitor" ? "status" : action;
}

export class LsbClass implements AgentClass {
  constructor(
    private readonly dirs: AgentDirs,
    readonly standard: "lsb" | "service" = "lsb",
  ) {}

  private path(spec: AgentSpec): string {
    return isAbsolute(spec.type) ? spec.type : join(this.dirs.initDir, spec.type);
  }

  locate(spec: AgentSpec): string | undefined {
    if (!isAbsolute(spec.type) && spec.type.includes("/")) return undefined;
    const path = this.path(spec);
    return existsAsFile(path) ? path : undefined;
  }

  notInstalledReason(spec: AgentSpec): string {
    return `${this.path(spec)}: No such file or directory`;
  }

  prepare(req: OperationRequest, path: string, baseEnv: Readonly<Record<string, string>>): PreparedCommand {
    return { command: path, args: [lsbAction(req.action)], env: { ...baseEnv } };
  }

  interpret(req: OperationRequest, outcome: ProcessOutcome): InterpretedResult {
    const sig = signalled(outcome);
    if (sig) return sig;
    const code = outcome.exitCode!;
    if (lsbAction(req.action) === "status") return done(lsbStatusToOcf(code));
    return done(lsbActionRc(code));
  }
}
