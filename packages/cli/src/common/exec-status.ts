import { execStatusString } from "@hbx/lrm";

/**
 * Pacemaker's name for an op-status (pcmk_exec_status_str, kept in @hbx/lrm), as crm_mon and
 * crm_resource print it: "UNKNOWN" for a status it does not know.
 */
export function execStatusName(status: number): string {
  const text = execStatusString(status);
  return text === "UNKNOWN!" ? "UNKNOWN" : text;
}
