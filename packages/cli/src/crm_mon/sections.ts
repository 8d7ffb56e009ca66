import { CliError, CrmExit } from "../common/exit-codes.js";

/** The sections of crm_mon's text report that -I/--include and -U/--exclude switch. */
const NAMES = [
  "all",
  "attributes",
  "bans",
  "counts",
  "dc",
  "default",
  "failcounts",
  "failures",
  "fencing",
  "fencing-failed",
  "fencing-pending",
  "fencing-succeeded",
  "maint-mode",
  "nodes",
  "none",
  "operations",
  "options",
  "resources",
  "stack",
  "summary",
  "tickets",
  "times",
] as const;

const SUMMARY = ["stack", "dc", "times", "counts", "maint-mode", "options"];
const DEFAULT = [...SUMMARY, "nodes", "resources", "failures", "fencing-failed", "fencing-pending"];
const ALL = [...DEFAULT, "attributes", "bans", "failcounts", "operations", "tickets", "fencing-succeeded"];

export interface Sections {
  shown: Set<string>;
  /** bans:PREFIX narrows the ban list as -L PREFIX does. */
  banPrefix?: string;
}

function expand(name: string): string[] {
  if (name === "summary") return SUMMARY;
  if (name === "all") return ALL;
  if (name === "default") return DEFAULT;
  if (name === "fencing") return ["fencing-failed", "fencing-pending", "fencing-succeeded"];
  return [name];
}

/** -I/--include and -U/--exclude in the order given, each possibly a comma-separated list. */
function sectionOptions(argv: string[]): Array<{ include: boolean; list: string }> {
  const out: Array<{ include: boolean; list: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^(?:--(include|exclude)(?:=(.*))?|-(I|U)(.*))$/.exec(a);
    if (!m) continue;
    const include = m[1] === "include" || m[3] === "I";
    const inline = m[2] ?? (m[4] !== "" ? m[4] : undefined);
    const list = inline ?? argv[++i] ?? "";
    out.push({ include, list });
  }
  return out;
}

/**
 * The sections to print: the text default, what -A/-f/-o/-L/-c/-m add, then each -I/-U from
 * left to right, as Pacemaker 2.1.5 applies them.
 */
export function resolveSections(argv: string[], flags: string[], banPrefix?: string): Sections {
  const shown = new Set<string>([...DEFAULT, ...flags]);
  let prefix = banPrefix;
  for (const { include, list } of sectionOptions(argv)) {
    for (const raw of list.split(",").filter((s) => s !== "")) {
      const [name, arg] = raw.split(":", 2);
      if (!(NAMES as readonly string[]).includes(name))
        throw new CliError(
          CrmExit.USAGE,
          `crm_mon: --${include ? "include" : "exclude"} options: ${NAMES.filter((n) => n !== "bans")
            .join(", ")
            .replace("attributes, ", "attributes, bans[:PREFIX], ")}`,
        );
      if (name === "none") {
        if (include) shown.clear();
        continue;
      }
      for (const s of expand(name)) {
        if (include) shown.add(s);
        else shown.delete(s);
      }
      if (name === "bans" && include && arg !== undefined) prefix = arg;
    }
  }
  return { shown, banPrefix: prefix };
}
