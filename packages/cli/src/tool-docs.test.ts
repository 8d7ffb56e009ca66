import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "@hbx/cib";
import { startHbxd, type RunningHbxd } from "@hbx/crmd";
import { type CliIo, memoryIo } from "./common/io.js";
import { run as cibadmin } from "./cibadmin/run.js";
import { run as clStatus } from "./cl_status/run.js";
import { run as crmAttribute } from "./crm_attribute/run.js";
import { run as crmFailcount } from "./crm_failcount/run.js";
import { run as crmMon } from "./crm_mon/run.js";
import { run as crmNode } from "./crm_node/run.js";
import { run as crmResource } from "./crm_resource/run.js";
import { run as crmStandby } from "./crm_standby/run.js";
import { run as crmVerify } from "./crm_verify/run.js";
import { run as hbStandby } from "./hb_standby/run.js";
import { TOOL_DOCS } from "./tool-docs.js";

const bins = Object.keys(
  (JSON.parse(readFileSync(resolve(repoRoot, "packages/cli/package.json"), "utf8")) as { bin: object }).bin,
);

describe("the tools' option tables", () => {
  it("document every command the package installs, each once", () => {
    expect(TOOL_DOCS.map((d) => d.tool).sort()).toEqual([...bins].sort());
  });

  it("give every tool --socket, --version and a help option", () => {
    for (const doc of TOOL_DOCS) {
      const longs = doc.options.flatMap((o) => o.long ?? []);
      expect(longs, doc.tool).toContain("socket");
      expect(longs, doc.tool).toContain("version");
      expect(longs, doc.tool).toContain("help");
    }
  });
});

type Tool = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Pacemaker 2.1.5's tools print their help in one of two shapes: glib's ("Usage:", the synopsis
 * indented below it) or, for cibadmin and the crm_standby script, the older "tool - summary".
 */
const GLIB_SHAPED: [string, Tool][] = [
  ["crm_attribute", crmAttribute],
  ["crm_mon", crmMon],
  ["crm_node", crmNode],
  ["crm_resource", crmResource],
  ["crm_verify", crmVerify],
];
const CLASSIC_SHAPED = ["cibadmin", "crm_standby", "crm_failcount"];

function helpShape(tool: string, help: string): "glib" | "classic" | "other" {
  const first = help.split("\n")[0];
  return first === "Usage:" ? "glib" : first.startsWith(`${tool} - `) ? "classic" : "other";
}

describe("--help and --version in Pacemaker's shapes", () => {
  it.each(GLIB_SHAPED)(
    "%s --help starts with Usage: and the tool's synopsis indented below it",
    async (name, tool) => {
      const io = memoryIo({});
      expect(await tool(["--help"], io)).toBe(0);
      expect(io.out).toBe(TOOL_DOCS.find((d) => d.tool === name)!.help);
      expect(io.out).toMatch(new RegExp(`^Usage:\\n  ${name} `));
    },
  );

  it("crm_simulate's help has glib's shape, cibadmin's, crm_standby's and crm_failcount's the older one", () => {
    const help = (t: string) => TOOL_DOCS.find((d) => d.tool === t)!.help;
    expect(helpShape("crm_simulate", help("crm_simulate"))).toBe("glib");
    for (const t of CLASSIC_SHAPED) expect(helpShape(t, help(t)), t).toBe("classic");
  });

  it.each([
    ...GLIB_SHAPED,
    ["cibadmin", cibadmin] as [string, Tool],
    ["crm_standby", crmStandby] as [string, Tool],
  ])(
    "%s --version answers in Pacemaker's two lines, naming the Pacemaker release it follows",
    async (name, tool) => {
      const io = memoryIo({});
      expect(await tool(["--version"], io)).toBe(0);
      expect(io.out).toMatch(
        new RegExp(
          `^${name} \\(hbx [\\d.]+\\), compatible with Pacemaker 2\\.1\\.5\\nWritten by [^\\n]+\\n$`,
        ),
      );
    },
  );

  it.each(GLIB_SHAPED)(
    "%s --version --output-as=xml answers in a <pacemaker-result>",
    async (_name, tool) => {
      const xml = memoryIo({});
      expect(await tool(["--version", "--output-as=xml"], xml)).toBe(0);
      expect(xml.out).toMatch(/^<pacemaker-result [^\n]*>\n {2}<version program="hbx" version="[\d.]+"/);
      expect(xml.out).toContain('<status code="0" message="OK"/>');
    },
  );

  const pacemaker = (tool: string) => `/usr/sbin/${tool}`;
  it.skipIf(!existsSync(pacemaker("crm_verify")))(
    "has the shape of Pacemaker's own tool's --help, tool by tool (skipped: pacemaker-cli-utils not installed)",
    () => {
      for (const name of [...GLIB_SHAPED.map(([n]) => n), ...CLASSIC_SHAPED, "crm_simulate"]) {
        if (!existsSync(pacemaker(name))) continue;
        const theirs = spawnSync(pacemaker(name), ["--help"], { encoding: "utf8" }).stdout;
        const ours = TOOL_DOCS.find((d) => d.tool === name)!.help;
        expect(helpShape(name, ours), name).toBe(helpShape(name, theirs));
      }
    },
  );
});

/** Each tool with a command that reads from (or asks) the running cluster. */
const LIVE: [string, Tool, string[]][] = [
  ["cibadmin", cibadmin, ["-Q"]],
  ["crm_mon", crmMon, ["-1"]],
  ["crm_node", crmNode, ["-l"]],
  ["crm_resource", crmResource, ["-l"]],
  ["crm_attribute", crmAttribute, ["-n", "cluster-delay", "-G"]],
  ["crm_failcount", crmFailcount, ["-r", "none", "-N", "solo", "-G"]],
  ["crm_standby", crmStandby, ["-N", "solo", "-G"]],
  ["crm_verify", crmVerify, ["-L"]],
  ["cl_status", clStatus, ["hbstatus"]],
  ["hb_standby", hbStandby, ["all"]],
];

/** The words each tool prints when it cannot reach hbxd. */
const UNREACHABLE = /Could not connect|Connection to cluster failed|cannot connect to hbxd|Cannot signon/;

describe("--socket on every tool that talks to the cluster", () => {
  let root: string;
  let daemon: RunningHbxd;
  let socket: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "hbx-socket-"));
    const haDir = join(root, "ha.d");
    mkdirSync(haDir);
    const port = 21000 + (process.pid % 1000);
    writeFileSync(
      join(haDir, "ha.cf"),
      `logfile ${join(root, "ha-log")}\nkeepalive 100ms\ndeadtime 800ms\ninitdead 800ms\nudpport ${port}\nucast lo 127.0.0.2\nnode solo\ncrm on\n`,
    );
    writeFileSync(join(haDir, "authkeys"), "auth 1\n1 md5 s0cket\n", { mode: 0o600 });
    socket = join(root, "hbxd.sock");
    daemon = await startHbxd({
      haDir,
      node: "solo",
      stateDir: join(root, "state"),
      bind: "127.0.0.1",
      socket,
    });
  });
  afterAll(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(LIVE)("%s reaches hbxd through --socket alone, and not without it", async (_name, tool, argv) => {
    const env = { HBX_SOCKET: join(root, "nothing-here.sock") };
    const withSocket = memoryIo({ ...env });
    const code = await tool([...argv, "--socket", socket], withSocket);
    expect(code).not.toBe(64);
    expect(withSocket.err).not.toMatch(/unrecognized option|Unknown option/);
    expect(withSocket.out + withSocket.err).not.toMatch(UNREACHABLE);
    const without = memoryIo({ ...env });
    await tool(argv, without);
    expect(without.out + without.err).toMatch(UNREACHABLE);
  });
});
