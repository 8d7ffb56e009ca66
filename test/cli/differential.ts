import { expect, it } from "vitest";
import { type CliIo } from "@hbx/cli";
import { fixtureText, normalise, pacemakerAvailable, runHbx, runPacemaker } from "./harness.js";

export interface Pair {
  /** Test name: the command as an administrator types it. */
  name: string;
  tool: string;
  args: string[];
  /** Pacemaker's spelling when it differs (a Heartbeat v2 form hbx keeps and 2.1.5 dropped). */
  pacemakerArgs?: string[];
  /** "exact" stdout, "lines" (same lines in any order), or not compared. */
  stdout?: "exact" | "lines" | "xml";
  stdin?: string;
  cib?: string;
}

/**
 * Run one command through hbx (in-process) and Pacemaker 2.1.5 on two copies of the same CIB:
 * same exit code, same configuration and status afterwards, same stdout where asked.
 */
export function differential(run: (argv: string[], io: CliIo) => Promise<number>, pairs: Pair[]): void {
  for (const p of pairs) {
    it.skipIf(!pacemakerAvailable)(`${p.tool} ${p.args.join(" ")} — ${p.name}`, async () => {
      const cib = p.cib ?? fixtureText();
      const ours = await runHbx(run, p.args, cib, p.stdin);
      const theirs = runPacemaker(p.tool, p.pacemakerArgs ?? p.args, cib, p.stdin);
      const context = `hbx stderr: ${ours.stderr}\npacemaker stderr: ${theirs.stderr}`;
      expect(ours.code, context).toBe(theirs.code);
      const a = normalise(ours.cib);
      const b = normalise(theirs.cib);
      expect(a.text, context).toBe(b.text);
      expect(a.ends.length).toBe(b.ends.length);
      a.ends.forEach((t, i) => expect(Math.abs(t - b.ends[i])).toBeLessThan(10_000));
      if (p.stdout === "exact") expect(ours.stdout).toBe(theirs.stdout);
      // The request attribute echoes each tool's own argv[0].
      const unrequest = (t: string) => t.replace(/ request="[^"]*"/, "");
      if (p.stdout === "xml") expect(unrequest(ours.stdout)).toBe(unrequest(theirs.stdout));
      if (p.stdout === "lines")
        expect(ours.stdout.split("\n").sort()).toEqual(theirs.stdout.split("\n").sort());
    });
  }
}
