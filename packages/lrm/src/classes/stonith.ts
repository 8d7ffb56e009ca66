import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OcfExitCode } from "../codes.js";
import { type ProcessOutcome } from "../process/run-process.js";
import { type AgentSpec, type OperationRequest } from "../types.js";
import { done, isExecutableFile, signalled } from "./common.js";
import { type AgentClass, type AgentDirs, type InterpretedResult, type PreparedCommand } from "./types.js";

/** Where hbx ships its own fence agents (fence_hbx_local), beside src/ and dist/. */
export const HBX_FENCE_AGENT_DIR = fileURLToPath(new URL("../../agents", import.meta.url));

/** Device parameters that configure the cluster's use of a device, never passed to the agent. */
function isClusterOnlyParam(name: string): boolean {
  return name.startsWith("pcmk_") || name === "stonith-timeout" || name === "priority";
}

/**
 * The fence-agent call: options as `key=value` lines on stdin, ending with `action=…`.
 * LRM actions map onto agent actions: start and monitor check the device ("monitor"), stop
 * needs no agent call, meta-data is "metadata"; fencing actions (off, on, reboot, status,
 * list) pass through.
 */
export function fenceAction(action: string): string | undefined {
  switch (action) {
    case "start":
    case "monitor":
      return "monitor";
    case "stop":
      return undefined;
    case "meta-data":
      return "metadata";
    default:
      return action;
  }
}

export function fenceStdin(params: Readonly<Record<string, string>>, action: string): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (isClusterOnlyParam(k) || k === "action") continue;
    lines.push(`${k}=${v}`);
  }
  lines.push(`action=${action}`);
  return lines.join("\n") + "\n";
}

export class StonithClass implements AgentClass {
  readonly standard = "stonith" as const;
  constructor(private readonly dirs: AgentDirs) {}

  locate(spec: AgentSpec): string | undefined {
    if (!spec.type.startsWith("fence_") || spec.type.includes("/")) return undefined;
    for (const dir of this.dirs.fenceDirs) {
      const path = join(dir, spec.type);
      if (isExecutableFile(path)) return path;
    }
    return undefined;
  }

  notInstalledReason(spec: AgentSpec): string {
    return `${spec.type}: No such file or directory`;
  }

  prepare(
    req: OperationRequest,
    path: string,
    baseEnv: Readonly<Record<string, string>>,
  ): PreparedCommand | InterpretedResult {
    const action = fenceAction(req.action);
    if (action === undefined) return done(OcfExitCode.OK);
    return { command: path, args: [], env: { ...baseEnv }, stdin: fenceStdin(req.params, action) };
  }

  interpret(req: OperationRequest, outcome: ProcessOutcome): InterpretedResult {
    const sig = signalled(outcome);
    if (sig) return sig;
    const code = outcome.exitCode!;
    // Fence agents: 0 success; for status 0 is "on" and 2 is "off".
    if (req.action === "status") {
      if (code === 0) return done(OcfExitCode.OK);
      if (code === 2) return done(OcfExitCode.NOT_RUNNING);
      return done(OcfExitCode.UNKNOWN_ERROR);
    }
    return done(code === 0 ? OcfExitCode.OK : OcfExitCode.UNKNOWN_ERROR);
  }
}
