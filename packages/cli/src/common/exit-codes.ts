/**
 * Pacemaker's crm_exit_t: the exit status of every command-line tool. Scripts written for
 * Pacemaker's tools test these numbers, so hbx's tools return the same ones.
 */
export const CrmExit = {
  OK: 0,
  ERROR: 1,
  INVALID_PARAM: 2,
  UNIMPLEMENT_FEATURE: 3,
  INSUFFICIENT_PRIV: 4,
  NOT_INSTALLED: 5,
  NOT_CONFIGURED: 6,
  NOT_RUNNING: 7,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  NOUSER: 67,
  NOHOST: 68,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  OSERR: 71,
  OSFILE: 72,
  CANTCREAT: 73,
  IOERR: 74,
  TEMPFAIL: 75,
  PROTOCOL: 76,
  NOPERM: 77,
  CONFIG: 78,
  FATAL: 100,
  PANIC: 101,
  DISCONNECT: 102,
  OLD: 103,
  DIGEST: 104,
  NOSUCH: 105,
  QUORUM: 106,
  UNSAFE: 107,
  EXISTS: 108,
  MULTIPLE: 109,
  EXPIRED: 110,
  NOT_YET_IN_EFFECT: 111,
  INDETERMINATE: 112,
  UNSATISFIED: 113,
  TIMEOUT: 124,
} as const;

export type CrmExitCode = (typeof CrmExit)[keyof typeof CrmExit];

/** The short text Pacemaker prints for each code ("Error performing operation: <text>"). */
export const crmExitText: Record<number, string> = {
  0: "OK",
  1: "Error occurred",
  2: "Invalid parameter",
  64: "Incorrect usage",
  65: "Invalid data given",
  66: "Input file not available",
  73: "Can't create output",
  76: "Protocol violated",
  78: "Invalid configuration",
  102: "Lost connection to something",
  103: "Update was older than existing configuration",
  105: "No such object",
  107: "Operation not safe",
  108: "Requested item already exists",
};

/**
 * An error a tool reports to the user and exits with. `message` is one line a user can act
 * on; `detail` holds further lines (for example one per invalid element).
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly detail: string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}
