import { accessSync, constants, statSync } from "node:fs";
import { ExecStatus, OcfExitCode } from "../codes.js";
import { type ProcessOutcome } from "../process/run-process.js";
import { type InterpretedResult } from "./types.js";

/** An executable regular file (symlinks followed), as Pacemaker checks before exec. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function existsAsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A monitor with interval 0 is a probe: it asks "is it running here?" and 7 is an answer. */
export function isProbe(action: string, intervalMs: number): boolean {
  return action === "monitor" && intervalMs === 0;
}

/**
 * For start/stop and the other non-status actions, LSB and OCF share the meaning of 0–7;
 * anything else is a generic error (Pacemaker's services_get_ocf_exitcode).
 */
export function lsbActionRc(exitCode: number): number {
  return exitCode >= 0 && exitCode <= OcfExitCode.NOT_RUNNING ? exitCode : OcfExitCode.UNKNOWN_ERROR;
}

export function done(rc: number, exitReason = ""): InterpretedResult {
  return { rc, status: ExecStatus.DONE, exitReason };
}

/** An agent killed by a signal nobody sent it (the runner handles timeouts and cancels). */
export function signalled(outcome: ProcessOutcome): InterpretedResult | undefined {
  if (outcome.exitCode === null) {
    return {
      rc: OcfExitCode.UNKNOWN_ERROR,
      status: ExecStatus.ERROR,
      exitReason: "Process interrupted by signal",
    };
  }
  return undefined;
}
