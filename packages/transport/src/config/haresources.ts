import { readFileSync } from "node:fs";
import { HaCfError, found } from "./errors.js";
import { configLines } from "./lines.js";

/** A floating address: the `10.0.0.1/24/eth0/10.0.0.255` shorthand or `IPaddr[2]::…`. */
export interface HaresourcesIp {
  kind: "ip";
  /** The resource as written, e.g. `IPaddr2::10.0.0.1/24`. */
  text: string;
  ip: string;
  cidr?: number;
  nic?: string;
  broadcast?: string;
  agent: "IPaddr" | "IPaddr2";
}

/** Any other resource: a script name with its `::`-separated arguments (`Filesystem::/dev/sda1::/data::ext4`). */
export interface HaresourcesScript {
  kind: "script";
  text: string;
  name: string;
  args: string[];
}

export type HaresourcesResource = HaresourcesIp | HaresourcesScript;

/** One haresources line: a resource group and the node that prefers it. */
export interface HaresourcesLine {
  file: string;
  line: number;
  /** The preferred node, lower-cased as Heartbeat keeps node names. */
  node: string;
  resources: HaresourcesResource[];
  /** A trailing `#name` names the group in haresources2cib; undefined when absent. */
  id?: string;
}

const DOTTED = /^\d+\.\d+\.\d+\.\d+$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/**
 * Parse haresources: `node resource resource::arg::arg ...` per line, lines joined by a trailing
 * backslash, whole-line `#` comments, and a trailing `#name` kept as the group's id.
 */
export function parseHaresources(text: string, file: string): HaresourcesLine[] {
  const out: HaresourcesLine[] = [];
  for (const { line, words } of configLines(text, { continuations: true, keepInlineComments: true })) {
    const hash = words.findIndex((w) => w.startsWith("#"));
    const fields = hash >= 0 ? words.slice(0, hash) : words;
    const comment = hash >= 0 ? words.slice(hash) : [];
    const [node, ...rest] = fields;
    if (node === undefined) continue;
    if (!NAME.test(node)) throw new HaCfError(file, line, `expected a node name, found ${found(node)}`);
    if (rest.length === 0) {
      throw new HaCfError(file, line, `expected one or more resources after node ${node}, found nothing`);
    }
    const entry: HaresourcesLine = {
      file,
      line,
      node: node.toLowerCase(),
      resources: rest.map((r) => parseResource(r, file, line)),
    };
    if (comment.length === 1 && comment[0].length > 1) {
      const id = comment[0].slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(id)) {
        throw new HaCfError(file, line, `expected a group id after '#', found ${found(id)}`);
      }
      entry.id = id;
    }
    out.push(entry);
  }
  return out;
}

/** Read and parse a haresources file. */
export function loadHaresources(path: string): HaresourcesLine[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HaCfError(path, 0, `cannot open resources file: ${(e as Error).message}`);
  }
  return parseHaresources(text, path);
}

function parseResource(text: string, file: string, line: number): HaresourcesResource {
  const parts = text.split("::");
  if (parts.some((p) => p === "")) {
    throw new HaCfError(
      file,
      line,
      `expected RESOURCE or RESOURCE::ARG::..., found ${found(text)} (an empty part)`,
    );
  }
  const [name, ...args] = parts;
  if (name === "IPaddr" || name === "IPaddr2") {
    if (args.length !== 1) {
      throw new HaCfError(
        file,
        line,
        `${name}: expected ${name}::ADDRESS[/CIDR][/NIC][/BROADCAST], found ${found(text)}`,
      );
    }
    return parseIp(text, args[0], name, file, line);
  }
  // A bare dotted quad (optionally with /cidr/nic/broadcast) is the IPaddr shorthand.
  if (args.length === 0 && DOTTED.test(name.split("/")[0])) return parseIp(text, name, "IPaddr", file, line);
  if (!NAME.test(name)) throw new HaCfError(file, line, `expected a resource name, found ${found(name)}`);
  return { kind: "script", text, name, args };
}

function parseIp(
  text: string,
  spec: string,
  agent: "IPaddr" | "IPaddr2",
  file: string,
  line: number,
): HaresourcesIp {
  const [ip, ...rest] = spec.split("/");
  if (!isIpv4(ip))
    throw new HaCfError(file, line, `expected an IPv4 address, found ${found(ip)} in ${found(text)}`);
  const res: HaresourcesIp = { kind: "ip", text, ip, agent };
  for (const seg of rest) {
    const dup = (what: string) =>
      new HaCfError(
        file,
        line,
        `expected at most one ${what} in ${found(text)}, found a second ${found(seg)}`,
      );
    if (DOTTED.test(seg)) {
      if (!isIpv4(seg))
        throw new HaCfError(
          file,
          line,
          `expected a broadcast address, found ${found(seg)} in ${found(text)}`,
        );
      if (res.broadcast !== undefined) throw dup("broadcast address");
      res.broadcast = seg;
    } else if (/^\d+$/.test(seg)) {
      if (Number(seg) > 32)
        throw new HaCfError(
          file,
          line,
          `expected a netmask length 0-32, found ${found(seg)} in ${found(text)}`,
        );
      if (res.cidr !== undefined) throw dup("netmask length");
      res.cidr = Number(seg);
    } else if (/^[A-Za-z0-9_.:@-]+$/.test(seg)) {
      if (res.nic !== undefined) throw dup("interface");
      res.nic = seg;
    } else {
      throw new HaCfError(
        file,
        line,
        `expected a netmask length, interface or broadcast address, found ${found(seg)} in ${found(text)}`,
      );
    }
  }
  return res;
}

function isIpv4(s: string): boolean {
  return DOTTED.test(s) && s.split(".").every((o) => Number(o) <= 255);
}
