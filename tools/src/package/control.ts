/** The Debian control data of the hbx package. */
export interface ControlInput {
  version: string;
  /** `dpkg --print-architecture` of the build machine: the better-sqlite3 addon is built for it. */
  architecture: string;
  /** Size of the unpacked tree in KiB, as dpkg shows it. */
  installedSizeKiB: number;
}

/**
 * Pacemaker's packages ship the same commands in /usr/sbin (cibadmin, crm_mon, … in
 * pacemaker-cli-utils, crm_node in pacemaker): hbx replaces them rather than sharing the names.
 * Heartbeat's own package keeps its commands elsewhere (/usr/bin/cl_status,
 * /usr/share/heartbeat/hb_standby) and can stay installed beside it.
 */
export const CONFLICTING_PACKAGES = ["pacemaker-cli-utils", "pacemaker"];

export function controlFile(c: ControlInput): string {
  return [
    "Package: hbx",
    `Version: ${c.version}`,
    `Architecture: ${c.architecture}`,
    "Maintainer: hbx developers <hbx@localhost>",
    `Installed-Size: ${c.installedSizeKiB}`,
    "Depends: nodejs (>= 20)",
    `Conflicts: ${CONFLICTING_PACKAGES.join(", ")}`,
    "Section: admin",
    "Priority: optional",
    "Description: cluster resource manager in the line of Linux-HA Heartbeat v2",
    " hbx keeps a service and its floating IP running on a group of servers: a",
    " heartbeat transport compatible with Heartbeat 3.0.6, consensus membership,",
    " a replicated cluster information base (cib.xml), a policy engine with",
    " Pacemaker's scoring, and a local resource manager for OCF, LSB, Heartbeat",
    " and STONITH agents. It reads Heartbeat's ha.cf, authkeys and haresources and",
    " is driven with the usual tools: crm_mon, crm_resource, cibadmin, crm_verify.",
    "",
  ].join("\n");
}

/** The machine-readable copyright file (Debian's copyright-format 1.0). */
export function copyrightFile(thirdParty: { name: string; license: string }[]): string {
  const lines = [
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
    "Upstream-Name: hbx",
    "",
    "Files: *",
    "Copyright: the hbx developers",
    "License: GPL-2+",
    " On Debian systems the full text of the GNU General Public License version 2",
    " is in /usr/share/common-licenses/GPL-2.",
    "",
  ];
  for (const p of thirdParty) {
    lines.push(
      `Files: usr/lib/hbx/node_modules/.pnpm/*/node_modules/${p.name}/*`,
      `Comment: ${p.name}, bundled; its own license file is beside it`,
      `License: ${p.license}`,
      "",
    );
  }
  return lines.join("\n");
}
