import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { defaultAgentDirs } from "../classes/index.js";
import { type AgentDirs } from "../classes/types.js";
import { isExecutableFile } from "../classes/common.js";
import { type Standard } from "../types.js";

/** Byte order, as Pacemaker's scandir(alphasort) gives under LC_ALL=C. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => !n.startsWith("."))
      .sort(byteOrder);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The standards in the order Pacemaker's crm_resource lists them, then heartbeat, which
 * Pacemaker 2 dropped and hbx keeps for Heartbeat v1 resource scripts.
 */
export function listStandards(): Standard[] {
  return ["ocf", "lsb", "service", "stonith", "heartbeat"];
}

/** OCF providers: the directories under $OCF_ROOT/resource.d. */
export function listOcfProviders(dirs: AgentDirs = defaultAgentDirs()): string[] {
  const base = join(dirs.ocfRoot, "resource.d");
  return entries(base).filter((p) => isDirectory(join(base, p)));
}

/** Executable files of a directory (hidden ones skipped), byte-sorted. */
function executablesIn(dir: string): string[] {
  return entries(dir).filter((n) => isExecutableFile(join(dir, n)));
}

/** The OCF providers that have an agent of this type (crm_resource --list-ocf-alternatives). */
export function listOcfAlternatives(type: string, dirs: AgentDirs = defaultAgentDirs()): string[] {
  return listOcfProviders(dirs).filter((p) => isExecutableFile(join(dirs.ocfRoot, "resource.d", p, type)));
}

/**
 * Agents of a standard (and for ocf, optionally one provider; without one, each provider's in
 * turn as Pacemaker lists them). Unknown standards have none.
 */
export function listAgents(
  standard: string,
  provider?: string,
  dirs: AgentDirs = defaultAgentDirs(),
): string[] {
  switch (standard) {
    case "ocf": {
      const providers = provider !== undefined ? [provider] : listOcfProviders(dirs);
      return providers.flatMap((p) => executablesIn(join(dirs.ocfRoot, "resource.d", p)));
    }
    case "lsb":
    case "service":
      return executablesIn(dirs.initDir);
    case "heartbeat": {
      const seen = new Set<string>();
      for (const d of [...dirs.heartbeatDirs, dirs.initDir]) for (const a of executablesIn(d)) seen.add(a);
      return [...seen].sort(byteOrder);
    }
    case "stonith": {
      const seen = new Set<string>();
      for (const d of dirs.fenceDirs)
        for (const a of executablesIn(d)) if (a.startsWith("fence_")) seen.add(a);
      return [...seen].sort(byteOrder);
    }
    default:
      return [];
  }
}
