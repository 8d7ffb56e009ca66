import { ExecStatus, OcfExitCode } from "./codes.js";
import { agentClasses } from "./classes/index.js";
import { type AgentClass, type InterpretedResult } from "./classes/types.js";
import { type ProcessOutcome, type RunningProcess, runProcess } from "./process/run-process.js";
import { type OperationRequest, type Standard } from "./types.js";

export interface ExecuteOptions {
  readonly classes?: ReadonlyMap<Standard, AgentClass>;
  /** Environment every agent inherits (default: this process's), before the class adds its own. */
  readonly baseEnv?: Readonly<Record<string, string>>;
  readonly killGraceMs?: number;
  readonly headBytes?: number;
  readonly tailBytes?: number;
  /**
   * A command the agent is run through, e.g. ["ip", "netns", "exec", "ns1"] to run it inside
   * a network namespace. It must exec the agent (keep the process) so timeouts still reach it.
   */
  readonly commandPrefix?: readonly string[];
}

/** One agent execution in flight, or already answered without a process. */
export interface Execution {
  readonly pid: number;
  readonly done: Promise<ExecutionOutcome>;
  cancel(): void;
}

export interface ExecutionOutcome extends InterpretedResult {
  readonly pid: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputTruncated: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
}

let defaultClasses: ReadonlyMap<Standard, AgentClass> | undefined;

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

function immediate(result: InterpretedResult): Execution {
  const now = Date.now();
  return {
    pid: 0,
    cancel: () => {},
    done: Promise.resolve({
      ...result,
      pid: 0,
      stdout: "",
      stderr: "",
      outputTruncated: false,
      startedAt: now,
      finishedAt: now,
    }),
  };
}

/** errno from exec, mapped as Pacemaker's executor maps it. */
function spawnFailure(code: string): InterpretedResult {
  switch (code) {
    case "ENOENT":
    case "EISDIR":
    case "ENOTDIR":
    case "ENOEXEC":
      return {
        rc: OcfExitCode.NOT_INSTALLED,
        status: ExecStatus.NOT_INSTALLED,
        exitReason: `exec failed: ${code}`,
      };
    case "EACCES":
    case "EPERM":
      return {
        rc: OcfExitCode.INSUFFICIENT_PRIV,
        status: ExecStatus.ERROR,
        exitReason: `exec failed: ${code}`,
      };
    default:
      return { rc: OcfExitCode.UNKNOWN_ERROR, status: ExecStatus.ERROR, exitReason: `exec failed: ${code}` };
  }
}

function interpretOutcome(cls: AgentClass, req: OperationRequest, o: ProcessOutcome): InterpretedResult {
  if (o.spawnError) return spawnFailure(o.spawnError);
  if (o.timedOut) {
    return {
      rc: OcfExitCode.UNKNOWN_ERROR,
      status: ExecStatus.TIMEOUT,
      exitReason: "Resource agent did not exit within specified timeout",
    };
  }
  // A cancelled in-flight operation is not a failure (Pacemaker records it as cancelled, rc 0).
  if (o.cancelled) return { rc: OcfExitCode.OK, status: ExecStatus.CANCELLED, exitReason: "" };
  return cls.interpret(req, o);
}

/**
 * Run one agent action now (no queue, no concurrency limit: that is OperationRunner's job).
 * A missing agent is rc 5 "not installed" without spawning anything.
 */
export function executeAgent(req: OperationRequest, opts: ExecuteOptions = {}): Execution {
  const classes = opts.classes ?? (defaultClasses ??= agentClasses());
  const cls = classes.get(req.spec.standard);
  if (!cls) {
    return immediate({
      rc: OcfExitCode.NOT_INSTALLED,
      status: ExecStatus.NOT_SUPPORTED,
      exitReason: `Unknown resource standard: ${req.spec.standard}`,
    });
  }
  const path = cls.locate(req.spec);
  if (path === undefined) {
    return immediate({
      rc: OcfExitCode.NOT_INSTALLED,
      status: ExecStatus.NOT_INSTALLED,
      exitReason: cls.notInstalledReason(req.spec),
    });
  }
  const baseEnv = { ...(opts.baseEnv ?? inheritedEnv()), ...(req.env ?? {}) };
  const prepared = cls.prepare(req, path, baseEnv);
  if (!("command" in prepared)) return immediate(prepared);
  const prefix = opts.commandPrefix ?? [];
  const proc: RunningProcess = runProcess({
    command: prefix.length > 0 ? prefix[0] : prepared.command,
    args: prefix.length > 0 ? [...prefix.slice(1), prepared.command, ...prepared.args] : prepared.args,
    env: prepared.env,
    stdin: prepared.stdin,
    timeoutMs: req.timeoutMs,
    killGraceMs: opts.killGraceMs,
    headBytes: opts.headBytes,
    tailBytes: opts.tailBytes,
  });
  return {
    pid: proc.pid,
    cancel: () => proc.cancel(),
    done: proc.done.then((o) => ({
      ...interpretOutcome(cls, req, o),
      pid: o.pid,
      stdout: o.stdout,
      stderr: o.stderr,
      outputTruncated: o.truncated,
      startedAt: o.startedAt,
      finishedAt: o.finishedAt,
    })),
  };
}
