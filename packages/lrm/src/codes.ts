/**
 * Result codes exactly as Pacemaker 2.1.5 numbers and names them, so that what hbx records in
 * the CIB and prints from crm_resource reads the same to a Pacemaker administrator.
 */

/** OCF exit codes (the agent's rc, also recorded as rc-code on lrm_rsc_op). */
export const OcfExitCode = {
  OK: 0,
  UNKNOWN_ERROR: 1,
  INVALID_PARAM: 2,
  UNIMPLEMENT_FEATURE: 3,
  INSUFFICIENT_PRIV: 4,
  NOT_INSTALLED: 5,
  NOT_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;
export type OcfExitCode = number;

export interface OcfExitCodeInfo {
  readonly rc: number;
  /** The OCF_* name agents use in ocf-returncodes (OCF_SUCCESS, OCF_NOT_RUNNING …). */
  readonly ocfName: string;
  /** Pacemaker's short text (services_ocf_exitcode_str), as crm_resource prints it. */
  readonly text: string;
  /** What the code means to the cluster. */
  readonly meaning: string;
}

/** The OCF exit code table, 0–9 plus Pacemaker's degraded extensions. */
export const OCF_EXIT_CODES: readonly OcfExitCodeInfo[] = [
  { rc: 0, ocfName: "OCF_SUCCESS", text: "ok", meaning: "action succeeded; for monitor: running" },
  {
    rc: 1,
    ocfName: "OCF_ERR_GENERIC",
    text: "error",
    meaning: "generic (soft) error; may be retried on this node",
  },
  {
    rc: 2,
    ocfName: "OCF_ERR_ARGS",
    text: "invalid parameter",
    meaning: "the resource's configuration is invalid on this node",
  },
  {
    rc: 3,
    ocfName: "OCF_ERR_UNIMPLEMENTED",
    text: "unimplemented feature",
    meaning: "the agent does not implement this action",
  },
  {
    rc: 4,
    ocfName: "OCF_ERR_PERM",
    text: "insufficient privileges",
    meaning: "the agent lacks permissions on this node",
  },
  {
    rc: 5,
    ocfName: "OCF_ERR_INSTALLED",
    text: "not installed",
    meaning: "the agent or a tool it needs is not installed on this node",
  },
  {
    rc: 6,
    ocfName: "OCF_ERR_CONFIGURED",
    text: "not configured",
    meaning: "the configuration is invalid anywhere (fatal)",
  },
  { rc: 7, ocfName: "OCF_NOT_RUNNING", text: "not running", meaning: "the resource is cleanly stopped" },
  {
    rc: 8,
    ocfName: "OCF_RUNNING_PROMOTED",
    text: "promoted",
    meaning: "the resource is running in the promoted role",
  },
  {
    rc: 9,
    ocfName: "OCF_FAILED_PROMOTED",
    text: "promoted (failed)",
    meaning: "the resource failed in the promoted role",
  },
  { rc: 190, ocfName: "OCF_DEGRADED", text: "OCF_DEGRADED", meaning: "running but degraded" },
  {
    rc: 191,
    ocfName: "OCF_DEGRADED_PROMOTED",
    text: "promoted (degraded)",
    meaning: "promoted but degraded",
  },
];

const byRc = new Map(OCF_EXIT_CODES.map((c) => [c.rc, c]));

/** Pacemaker's text for an OCF rc ("ok", "not running", …; "unknown" otherwise). */
export function ocfExitCodeText(rc: number): string {
  return byRc.get(rc)?.text ?? "unknown";
}

export function ocfExitCodeInfo(rc: number): OcfExitCodeInfo | undefined {
  return byRc.get(rc);
}

/** Execution status (op-status on lrm_rsc_op), Pacemaker's PCMK_EXEC_* numbering. */
export const ExecStatus = {
  PENDING: -1,
  DONE: 0,
  CANCELLED: 1,
  TIMEOUT: 2,
  NOT_SUPPORTED: 3,
  ERROR: 4,
  ERROR_HARD: 5,
  ERROR_FATAL: 6,
  NOT_INSTALLED: 7,
  NOT_CONNECTED: 8,
  INVALID: 9,
  NO_FENCE_DEVICE: 10,
  NO_SECRETS: 11,
} as const;
export type ExecStatus = (typeof ExecStatus)[keyof typeof ExecStatus];

const execStatusText: Record<number, string> = {
  [-1]: "pending",
  0: "complete",
  1: "Cancelled",
  2: "Timed Out",
  3: "NOT SUPPORTED",
  4: "Error",
  5: "Hard error",
  6: "Fatal error",
  7: "Not installed",
  8: "Internal communication failure",
  9: "Cannot execute now",
  10: "No fence device",
  11: "CIB secrets unavailable",
};

/** Pacemaker's text for an execution status (pcmk_exec_status_str). */
export function execStatusString(status: number): string {
  return execStatusText[status] ?? "UNKNOWN!";
}

/** Pacemaker's crm_exit_t texts (crm_exit_str) for the exit codes crm_resource uses. */
const crmExitText: Record<number, string> = {
  0: "OK",
  1: "Error occurred",
  2: "Invalid parameter",
  3: "Unimplemented",
  4: "Insufficient privileges",
  5: "Not installed",
  6: "Not configured",
  7: "Not running",
  8: "Promoted",
  9: "Failed in promoted role",
  64: "Incorrect usage",
  65: "Invalid data given",
  66: "Input file not available",
  69: "Necessary service unavailable",
  105: "No such object",
  124: "Timeout occurred",
};

export function crmExitString(code: number): string {
  return crmExitText[code] ?? "Unknown exit status";
}

/** LSB init-script status exit codes (the "status" action has its own table). */
export const LsbStatusCode = {
  OK: 0,
  DEAD_PID_FILE: 1,
  DEAD_LOCK_FILE: 2,
  NOT_RUNNING: 3,
  UNKNOWN: 4,
} as const;
