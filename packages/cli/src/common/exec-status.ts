/** Pacemaker's execution status names (pcmk_exec_status_str), by op-status. */
export const EXEC_STATUS: Record<number, string> = {
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
