/**
 * The README's first command, as a user runs it: `tools/demo.sh --crm-only` (set-up, then the
 * live CRM part of the demo) on this checkout. Set-up has run before this suite, so it must skip
 * both the install and the build; the demo must show a takeover it timed and leave every tracked
 * file as it found it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { describe, expect, it } from "vitest";

const DUMMY_AGENT = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
const missing = !existsSync(DUMMY_AGENT)
  ? `(skipped: ${DUMMY_AGENT} is not installed, resource-agents)`
  : !existsSync(join(repoRoot, ".git"))
    ? "(skipped: not a git checkout, so a clean tree cannot be checked)"
    : undefined;

function gitStatus(): string {
  const r = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git status failed: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(missing !== undefined)(`npm run demo ${missing ?? ""}`, () => {
  it("sets up nothing when nothing changed, times a takeover after kill -9 and leaves the tree clean", () => {
    const before = gitStatus();
    const r = spawnSync("bash", ["tools/demo.sh", "--crm-only"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 110_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toContain("setup: node_modules matches pnpm-lock.yaml, pnpm install skipped");
    expect(out).toContain("setup: build up to date");

    // The group moved by cibadmin -R, failed once there, and was taken over after the kill.
    expect(out).toMatch(/web running on bravo \d+ ms after cibadmin -R/);
    expect(out).toContain("scope=status  name=fail-count-web-site value=1");
    const takeover = /takeover: web running on (\w+) (\d+) ms after the kill/.exec(out);
    expect(takeover, out).not.toBeNull();
    expect(["alpha", "charlie"]).toContain(takeover![1]);
    // Not before the deadtime (2 s, less the last keepalive's 300 ms) declared bravo dead.
    expect(Number(takeover![2])).toBeGreaterThanOrEqual(1700);
    expect(Number(takeover![2])).toBeLessThan(15_000);
    expect(out).toMatch(/OFFLINE: \[ bravo \]/);

    // Both survivors left cleanly on SIGTERM, having stopped the group first.
    expect(out.match(/'s hbxd: exit 0 after \d+ ms/g)).toHaveLength(2);
    expect(out).toContain("$DEMO/alpha/rsctmp:\n\n$DEMO/charlie/rsctmp:\n\nAll hbxd processes");

    expect(gitStatus()).toBe(before);
  }, 120_000);
});
