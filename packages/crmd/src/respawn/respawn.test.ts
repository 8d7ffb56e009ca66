import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_SHORT_RUNS, RespawnPolicy, SHORT_RUN_MS } from "./policy.js";
import { RespawnSupervisor, userIds } from "./supervisor.js";

describe("RespawnPolicy (Heartbeat's ManagedChildDied rules)", () => {
  it("restarts a client that exits, except with status 100 or during shutdown", () => {
    const p = new RespawnPolicy();
    p.started(0);
    expect(p.exited(1000, 1, false)).toBe("respawn");
    p.started(1000);
    expect(p.exited(2000, 100, false)).toBe("asked-not-to");
    expect(p.exited(2000, 0, true)).toBe("shutting-down");
  });

  it("leaves a client stopped after more than ten short runs in a row, and forgives a long run", () => {
    const p = new RespawnPolicy();
    let t = 0;
    const decisions: string[] = [];
    for (let i = 0; i < MAX_SHORT_RUNS + 1; i++) {
      p.started(t);
      t += 100;
      decisions.push(p.exited(t, 1, false));
    }
    expect(decisions.slice(0, MAX_SHORT_RUNS)).toEqual(Array(MAX_SHORT_RUNS).fill("respawn"));
    expect(decisions[MAX_SHORT_RUNS]).toBe("too-fast");
    // Ten short runs, then one that lasted: the count starts again.
    const q = new RespawnPolicy();
    for (let i = 0; i < MAX_SHORT_RUNS; i++) {
      q.started(t);
      t += 100;
      q.exited(t, 1, false);
    }
    q.started(t);
    t += SHORT_RUN_MS + 1;
    expect(q.exited(t, 1, false)).toBe("respawn");
    q.started(t);
    expect(q.exited(t + 100, 1, false)).toBe("respawn");
  });
});

describe("RespawnSupervisor with real processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "hbx-respawn-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = pino({ level: "silent" });
  const script = (name: string, body: string): string => {
    const f = join(dir, name);
    writeFileSync(f, `#!/bin/sh\n${body}\n`);
    chmodSync(f, 0o755);
    return f;
  };
  const starts = (f: string) => (existsSync(f) ? readFileSync(f, "utf8").trim().split("\n").length : 0);
  const waitUntil = async (what: string, ok: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const me = String(process.getuid?.() ?? 0);

  it("starts a client, starts it again when it dies, and stops it with hbxd", async () => {
    const log1 = join(dir, "a.starts");
    const path = script("a.sh", `echo $$ >> ${log1}\nexec sleep 30`);
    const sup = new RespawnSupervisor([{ user: me, path, args: [], failfast: false, line: 1 }], log);
    sup.start();
    await waitUntil("first start", () => starts(log1) === 1);
    const first = sup.running()[0]!.pid;
    process.kill(first, "SIGKILL");
    await waitUntil("restart", () => starts(log1) === 2 && sup.running().length === 1);
    const second = sup.running()[0]!.pid;
    expect(second).not.toBe(first);
    await sup.stop();
    expect(sup.running()).toEqual([]);
    expect(() => process.kill(second, 0)).toThrow();
    // Stopped by hbxd: not started again.
    await new Promise((r) => setTimeout(r, 200));
    expect(starts(log1)).toBe(2);
  });

  it("does not restart a client that exits with 100", async () => {
    const log2 = join(dir, "b.starts");
    const path = script("b.sh", `echo $$ >> ${log2}\nexit 100`);
    const sup = new RespawnSupervisor([{ user: me, path, args: [], failfast: false, line: 1 }], log);
    sup.start();
    await waitUntil("first start", () => starts(log2) === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts(log2)).toBe(1);
    await sup.stop();
  });

  it("gives up on a client that keeps dying at once", async () => {
    const log3 = join(dir, "c.starts");
    const path = script("c.sh", `echo $$ >> ${log3}\nexit 1`);
    const sup = new RespawnSupervisor([{ user: me, path, args: [], failfast: false, line: 1 }], log);
    sup.start();
    await waitUntil("eleven short runs", () => starts(log3) === MAX_SHORT_RUNS + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts(log3)).toBe(MAX_SHORT_RUNS + 1);
    await sup.stop();
  });

  it("reads a user's uid and gid, and names a user that does not exist", () => {
    expect(userIds("root")).toEqual({ uid: 0, gid: 0 });
    expect(() => userIds("no-such-user-hbx")).toThrow(/no user "no-such-user-hbx" in \/etc\/passwd/);
  });
});
