import { type ExecStatus } from "../codes.js";
import { type ProcessOutcome } from "../process/run-process.js";
import { type AgentSpec, type OperationRequest, type Standard } from "../types.js";

/** Where agents live. Defaults are Debian's; tests point them at temp dirs. */
export interface AgentDirs {
  /** $OCF_ROOT: resource.d/PROVIDER/TYPE and lib/heartbeat. */
  readonly ocfRoot: string;
  /** LSB init scripts. */
  readonly initDir: string;
  /** Heartbeat resource scripts, searched in order (then the init dir). */
  readonly heartbeatDirs: readonly string[];
  /** Fence agents (fence_*), searched in order. */
  readonly fenceDirs: readonly string[];
}

/** The agent command to run, after the class translated the request. */
export interface PreparedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stdin?: string;
}

/** An outcome in Pacemaker's terms: an OCF rc and an execution status. */
export interface InterpretedResult {
  readonly rc: number;
  readonly status: ExecStatus;
  readonly exitReason: string;
}

/**
 * One resource agent standard. The classes know how to find an agent, how to call it for an
 * action, and how to read its exit status and output; running it is the runner's job.
 */
export interface AgentClass {
  readonly standard: Standard;
  /** Absolute path of the agent, or undefined when it is not installed. */
  locate(spec: AgentSpec): string | undefined;
  /** The exit reason Pacemaker gives when the agent is missing. */
  notInstalledReason(spec: AgentSpec): string;
  /** Undefined when the class answers the action without running anything (stonith stop). */
  prepare(
    req: OperationRequest,
    path: string,
    baseEnv: Readonly<Record<string, string>>,
  ): PreparedCommand | InterpretedResult;
  /** Map a finished process (exited by itself, not timed out) to an OCF result. */
  interpret(req: OperationRequest, outcome: ProcessOutcome): InterpretedResult;
}
