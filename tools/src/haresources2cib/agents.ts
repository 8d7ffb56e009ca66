import { existsSync } from "node:fs";
import { join } from "node:path";
import { element, type XmlElement } from "@hbx/cib";
import type { HaresourcesResource } from "@hbx/transport";

/**
 * The OCF agents haresources2cib.py knew, with their positional parameter names (the n-th `::`
 * argument becomes the n-th name) and monitor interval/timeout. Names outside this table are
 * Heartbeat resource.d scripts or LSB init scripts.
 */
const OCF_AGENTS: Record<string, { params: string[]; monitor: [string, string] }> = {
  IPaddr: { params: ["ip", "cidr_netmask", "nic", "broadcast"], monitor: ["5s", "5s"] },
  IPaddr2: { params: ["ip", "cidr_netmask", "nic", "broadcast"], monitor: ["5s", "5s"] },
  Filesystem: { params: ["device", "directory", "fstype", "options"], monitor: ["120s", "60s"] },
  apache: {
    params: ["configfile", "httpd", "port", "statusurl", "options", "testregex"],
    monitor: ["120s", "60s"],
  },
  db2: { params: ["instance", "admin"], monitor: ["120s", "60s"] },
  oracle: { params: ["sid", "home", "user", "ipcrm"], monitor: ["120s", "60s"] },
  oralsnr: { params: ["sid", "home", "user", "listener"], monitor: ["120s", "60s"] },
  AudibleAlarm: { params: ["nodelist"], monitor: ["120s", "60s"] },
  Delay: { params: ["startdelay", "stopdelay", "mondelay"], monitor: ["120s", "60s"] },
  ICP: { params: ["driveid", "device"], monitor: ["120s", "60s"] },
  IPsrcaddr: { params: ["ipaddress"], monitor: ["5s", "5s"] },
  IPv6addr: { params: ["ipv6addr"], monitor: ["5s", "5s"] },
  LinuxSCSI: { params: ["scsi"], monitor: ["120s", "60s"] },
  LVM: { params: ["volgrpname"], monitor: ["120s", "60s"] },
  MailTo: { params: ["email", "subject"], monitor: ["120s", "60s"] },
  portblock: { params: ["protocol", "portno", "action"], monitor: ["120s", "60s"] },
  Raid1: { params: ["raidconf", "raiddev", "homehost"], monitor: ["120s", "60s"] },
  ServeRAID: { params: ["serveraid", "mergegroup"], monitor: ["120s", "60s"] },
  WinPopup: { params: ["hostfile"], monitor: ["120s", "60s"] },
  Xinetd: { params: ["service"], monitor: ["120s", "60s"] },
  Dummy: { params: ["state"], monitor: ["120s", "60s"] },
  SendArp: { params: ["ip", "nic"], monitor: ["120s", "60s"] },
  mysql: {
    params: ["binary", "config", "datadir", "user", "group", "log", "pid", "socket"],
    monitor: ["120s", "60s"],
  },
  pgsql: {
    params: ["pgctl", "start_opt", "ctl_opt", "psql", "pgdata", "pgdba", "pghost", "pgport"],
    monitor: ["120s", "60s"],
  },
};

const SCRIPT_MONITOR: [string, string] = ["120s", "60s"];

export interface AgentDirs {
  /** Heartbeat resource scripts (default /etc/ha.d/resource.d). */
  heartbeat: string;
  /** LSB init scripts (default /etc/init.d). */
  lsb: string;
}

export const DEFAULT_AGENT_DIRS: AgentDirs = { heartbeat: "/etc/ha.d/resource.d", lsb: "/etc/init.d" };

export interface PrimitiveOptions {
  ocf: boolean;
  monitor: boolean;
  dirs: AgentDirs;
  warn: (message: string) => void;
}

/** The agent type a haresources resource names (`10.0.0.1/24` is IPaddr). */
export function resourceType(r: HaresourcesResource): string {
  return r.kind === "ip" ? r.agent : r.name;
}

/** Positional arguments as the agent receives them; an address's parts go to their own slots. */
function positionalArgs(r: HaresourcesResource): (string | undefined)[] {
  if (r.kind === "script") return r.args;
  return [r.ip, r.cidr?.toString(), r.nic, r.broadcast];
}

/**
 * One primitive, as haresources2cib.py built it: OCF for the agents it knew, otherwise a
 * heartbeat-class script (lsb when only an init script by that name exists), a monitor op and the
 * arguments as instance attributes.
 */
export function primitiveFor(id: string, r: HaresourcesResource, opts: PrimitiveOptions): XmlElement {
  const type = resourceType(r);
  const ocf = opts.ocf ? OCF_AGENTS[type] : undefined;
  const attrs: Record<string, string> = { id, class: ocf ? "ocf" : scriptClass(type, opts) };
  if (ocf) attrs.provider = "heartbeat";
  attrs.type = type;
  const children: XmlElement[] = [];
  const args = positionalArgs(r);
  if (args.some((a) => a !== undefined)) {
    const nvpairs: XmlElement[] = [];
    args.forEach((value, i) => {
      if (value === undefined) return;
      if (ocf && i >= ocf.params.length) return; // folded into the last parameter below
      const last = ocf !== undefined && i === ocf.params.length - 1;
      // The last known parameter takes every remaining argument, as the original joined them.
      const v = last
        ? args
            .slice(i)
            .filter((a) => a !== undefined)
            .join(" ")
        : value;
      const name = ocf ? ocf.params[i] : String(i + 1);
      nvpairs.push(element("nvpair", { id: `${id}_attr_${ocf ? i : i + 1}`, name, value: v }));
    });
    children.push(element("instance_attributes", { id: `${id}_inst_attr` }, nvpairs));
  }
  if (opts.monitor) {
    const [interval, timeout] = ocf ? ocf.monitor : SCRIPT_MONITOR;
    children.unshift(
      element("operations", {}, [element("op", { id: `${id}_mon`, name: "monitor", interval, timeout })]),
    );
  }
  return element("primitive", attrs, children);
}

function scriptClass(type: string, opts: PrimitiveOptions): "heartbeat" | "lsb" {
  if (existsSync(join(opts.dirs.heartbeat, type))) return "heartbeat";
  if (existsSync(join(opts.dirs.lsb, type))) return "lsb";
  opts.warn(
    `${type} is an unknown resource agent (not in ${opts.dirs.heartbeat} nor ${opts.dirs.lsb}); written as class heartbeat`,
  );
  return "heartbeat";
}
