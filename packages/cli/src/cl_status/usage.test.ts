import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../common/io.js";
import { run } from "./run.js";

/** Heartbeat 3.0.6's own cl_status, from Debian's heartbeat package. */
const HEARTBEAT_CL_STATUS = "/usr/bin/cl_status";

async function cl(...args: string[]) {
  const io = memoryIo({ HBX_SOCKET: "/nonexistent/hbxd.sock" });
  const code = await run(args, io);
  return { code, out: io.out, err: io.err };
}

describe("cl_status's usage", () => {
  it("prints the usage screen on stdout and exits 0 when run without a sub-command, or with -h", async () => {
    for (const argv of [[], ["-h"], ["--help"]]) {
      const r = await cl(...argv);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(r.out.split("\n")[0]).toBe("Usage: cl_status <sub-command> [<options>] [<parameters>]");
      for (const sub of ["hbstatus", "listnodes", "nodestatus", "rscstatus"]) expect(r.out).toContain(sub);
    }
  });

  it("refuses an unknown option in one line with Heartbeat's exit code 11", async () => {
    const r = await cl("-z", "hbstatus");
    expect(r.code).toBe(11);
    expect(r.err.trim().split("\n")).toEqual(["cl_status: ERROR: Unknown option -z"]);
  });

  it("reads clustered flags (-mv) and --socket through the common parser", async () => {
    const r = await cl("listnodes", "-mn", "--socket=/nonexistent/other.sock");
    expect(r.code).toBe(1);
    expect(r.err).toContain("/nonexistent/other.sock");
  });

  it("answers --version in the shape every hbx tool uses", async () => {
    const r = await cl("--version");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cl_status \(hbx [\d.]+\), compatible with Pacemaker 2\.1\.5\nWritten by /);
  });

  it.skipIf(!existsSync(HEARTBEAT_CL_STATUS))(
    "starts its usage and exit codes as Heartbeat 3.0.6's cl_status does (skipped: heartbeat not installed)",
    async () => {
      const real = (args: string[]) => spawnSync(HEARTBEAT_CL_STATUS, args, { encoding: "utf8" });
      const bare = real([]);
      const ours = await cl();
      expect(ours.code).toBe(bare.status);
      expect(ours.out.split("\n").slice(0, 3)).toEqual(bare.stdout.split("\n").slice(0, 3));
      expect((await cl("-h")).code).toBe(real(["-h"]).status);
      expect((await cl("bogus")).code).toBe(real(["bogus"]).status);
    },
  );
});
