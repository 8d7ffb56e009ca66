import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type XmlElement, firstChild, parseXml, serializeXml, walkElements } from "@hbx/cib";
import { type CliIo, memoryIo } from "@hbx/cli";

/** Pacemaker 2.1.5's tools, the oracle. Tests skip (reported as skipped) when they are absent. */
export const PCMK = "/usr/sbin";
export const pacemakerAvailable = existsSync(`${PCMK}/cibadmin`);

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURE = path.join(here, "fixtures", "two-node.xml");
export const repoRoot = path.resolve(here, "..", "..");

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** The CIB file's bytes after the command. */
  cib: string;
}

type Runner = (argv: string[], io: CliIo) => Promise<number>;

function workFile(cibText: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hbx-cli-"));
  const file = path.join(dir, "cib.xml");
  writeFileSync(file, cibText);
  return file;
}

/** Run an hbx tool in-process on a fresh copy of `cibText`. */
export async function runHbx(run: Runner, argv: string[], cibText: string, stdin = ""): Promise<Outcome> {
  const file = workFile(cibText);
  const io = memoryIo({ CIB_file: file }, stdin);
  const code = await run(argv, io);
  return { code, stdout: io.out, stderr: io.err, cib: readFileSync(file, "utf8") };
}

/** Run a command (Pacemaker's, or hbx's built binary) as a child process on a fresh copy. */
export function runProcess(
  command: string,
  argv: string[],
  cibText: string,
  stdin = "",
  env: Record<string, string> = {},
): Outcome {
  const file = workFile(cibText);
  const r = spawnSync(command, argv, {
    env: { ...process.env, ...env, CIB_file: file, PCMK_logfile: "/dev/null" },
    input: stdin,
    encoding: "utf8",
    cwd: path.dirname(file),
  });
  return { code: r.status ?? 128 + 9, stdout: r.stdout, stderr: r.stderr, cib: readFileSync(file, "utf8") };
}

export function runPacemaker(tool: string, argv: string[], cibText: string, stdin = ""): Outcome {
  // Pacemaker's shell tools (crm_failcount, crm_standby) call crm_node and crm_attribute by
  // name: give them a PATH where those are Pacemaker's, not hbx's from node_modules/.bin.
  return runProcess(`${PCMK}/${tool}`, argv, cibText, stdin, { PATH: `${PCMK}:/usr/bin:/bin` });
}

const VOLATILE_ROOT = [
  "epoch",
  "num_updates",
  "admin_epoch",
  "cib-last-written",
  "update-origin",
  "update-client",
  "update-user",
];

/**
 * What a differential test compares: the configuration and status trees with version counters,
 * write stamps and lifetimes' end times taken out (the two tools run seconds apart).
 * Returns the normalised text and the lifetime ends it removed.
 */
export function normalise(cibText: string): { text: string; ends: number[] } {
  const cib = parseXml(cibText, "cib");
  for (const a of VOLATILE_ROOT) delete cib.attrs[a];
  const ends: number[] = [];
  for (const el of walkElements(cib)) {
    if (el.name === "date_expression" && el.attrs.end !== undefined) {
      ends.push(Date.parse(el.attrs.end.replace(" ", "T")));
      el.attrs.end = "<end>";
    }
  }
  const parts = ["configuration", "status"].map((s) => {
    const el: XmlElement | undefined = firstChild(cib, s);
    return el ? serializeXml(el, { pretty: true }) : `<no ${s}>\n`;
  });
  return { text: serializeXml({ ...cib, children: [] }, { pretty: true }) + parts.join(""), ends };
}

/** The version counters of a CIB text, for tests that check how a write bumped them. */
export function versionOf(cibText: string): string {
  const a = parseXml(cibText, "cib").attrs;
  return `${a.admin_epoch}.${a.epoch}.${a.num_updates}`;
}

export function fixtureText(): string {
  return readFileSync(FIXTURE, "utf8");
}
