import type { HeartbeatStatus } from "@hbx/crmd";

/** cl_status exit codes as Heartbeat 3.0.6's cl_status returns them. */
export const EXIT = { ok: 0, notRunning: 1, usage: 11, link: 13 } as const;

export const HBX_VERSION = "hbx 0.1.0";

/** `cl_status hbstatus -v`: version, manager, then every node with its links. */
export function formatVerbose(st: HeartbeatStatus): string {
  let s = `version:\t${HBX_VERSION}\nmanaged by:\t"${st.managedBy ?? "haresources"}"\n`;
  const nodes = [...st.nodes].sort((a, b) => a.name.localeCompare(b.name));
  for (const n of nodes) {
    s += `\n${n.name}\t${n.status}\t(nodetype: ${n.type})\n`;
    for (const l of n.links) s += `\t${l.name}\t${l.status}\n`;
  }
  return s;
}
