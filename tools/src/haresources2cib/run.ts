import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { serializeXml } from "@hbx/cib";
import { HaCfError, loadHaCf, loadHaresources, type HaCf } from "@hbx/transport";
import { DEFAULT_AGENT_DIRS } from "./agents.js";
import { haresourcesToCib } from "./convert.js";

export interface Haresources2CibIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

/** Where Heartbeat 2 kept these files; haresources2cib.py's defaults. */
export const DEFAULT_PATHS = {
  haresources: "/etc/ha.d/haresources",
  haCf: "/etc/ha.d/ha.cf",
  cib: "/var/lib/heartbeat/crm/cib.xml",
} as const;

const USAGE = `usage: haresources2cib [--no-ocf] [--stdout] [--no-monitor] [--config|-c configfile]
                       [--output|-o cibfile] [--lsb-dir DIR] [--heartbeat-dir DIR] [--help|-h]
                       [resourcefile]
Converts a Heartbeat v1 haresources file (default ${DEFAULT_PATHS.haresources}) and its ha.cf
(default ${DEFAULT_PATHS.haCf}) into a cib.xml (default ${DEFAULT_PATHS.cib}).

  --no-ocf             write every resource as a heartbeat/lsb script, never OCF
  --no-monitor         add no monitor operations
  --stdout             print the CIB instead of writing it
  -c, --config FILE    the ha.cf to read nodes and auto_failback from
  -o, --output FILE    write the CIB here (refused when it already exists)
  --lsb-dir DIR        where LSB init scripts are looked up (default ${DEFAULT_AGENT_DIRS.lsb})
  --heartbeat-dir DIR  where heartbeat resource scripts are looked up (default ${DEFAULT_AGENT_DIRS.heartbeat})
`;

/** haresources2cib: exit 0 when the CIB was written, 1 on bad input or an existing target, 2 on misuse. */
export function run(argv: readonly string[], io: Haresources2CibIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        "no-ocf": { type: "boolean" },
        "no-monitor": { type: "boolean" },
        stdout: { type: "boolean" },
        config: { type: "string", short: "c" },
        output: { type: "string", short: "o" },
        "lsb-dir": { type: "string" },
        "heartbeat-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    io.stderr(`haresources2cib: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr(`haresources2cib: expected one resource file, found ${positionals.length}\n${USAGE}`);
    return 2;
  }
  const at = (p: string) => resolve(io.cwd, p);
  const resourceFile = at(positionals[0] ?? DEFAULT_PATHS.haresources);
  const target = at(values.output ?? DEFAULT_PATHS.cib);
  const warnings: string[] = [];
  try {
    // The original always read ha.cf; without -c a missing default ha.cf only loses nodes and auto_failback.
    let haCf: HaCf | undefined;
    if (values.config !== undefined || existsSync(DEFAULT_PATHS.haCf)) {
      haCf = loadHaCf(at(values.config ?? DEFAULT_PATHS.haCf));
    }
    const cib = haresourcesToCib(loadHaresources(resourceFile), haCf, {
      ocf: !values["no-ocf"],
      monitor: !values["no-monitor"],
      agentDirs: {
        lsb: at(values["lsb-dir"] ?? DEFAULT_AGENT_DIRS.lsb),
        heartbeat: at(values["heartbeat-dir"] ?? DEFAULT_AGENT_DIRS.heartbeat),
      },
      warn: (m) => warnings.push(m),
    });
    for (const w of warnings) io.stderr(`haresources2cib: warning: ${w}\n`);
    const xml = serializeXml(cib, { pretty: true, declaration: true });
    if (values.stdout) {
      io.stdout(xml);
      return 0;
    }
    if (existsSync(target) || existsSync(`${target}.sig`)) {
      io.stderr(
        `haresources2cib: cib.xml or cib.xml.sig exist in ${dirname(target)}/\n` +
          "please remove them before generating new cib.xml\n",
      );
      return 1;
    }
    writeFileSync(target, xml, { flag: "wx" });
    return 0;
  } catch (e) {
    if (e instanceof HaCfError) {
      io.stderr(`haresources2cib: ${e.message}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code !== undefined) {
      io.stderr(`haresources2cib: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
