import { readlinkSync } from "node:fs";
import { constants, setPriority } from "node:os";
import type { HaCf } from "../config/index.js";

/**
 * Heartbeat's `realtime on` (its default) ran the heartbeat processes under SCHED_RR so a busy
 * machine could not delay a heartbeat. Node cannot choose a scheduling policy, but on Linux the
 * nice value belongs to each thread, so the heartbeat thread alone can take the highest one:
 * under load the kernel then runs it ahead of hbxd's main thread and everything else.
 */
export function wantsRealtime(hacf: HaCf): boolean {
  const d = hacf.other.filter((o) => o.directive === "realtime").at(-1);
  return !d || !/^(off|no|false|0)$/i.test(d.args[0] ?? "");
}

/** Give the calling thread the highest priority; the thread id, or why not (not Linux, not root). */
export function raiseThreadPriority(): { tid: number } | { error: string } {
  let tid: number;
  try {
    // "<pid>/task/<tid>": the calling thread's own id, which setpriority on Linux takes as is.
    tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return { error: "no /proc/thread-self (not Linux)" };
  }
  try {
    setPriority(tid, constants.priority.PRIORITY_HIGHEST);
    return { tid };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
