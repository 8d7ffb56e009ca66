import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHbxd, type RunningHbxd } from "@hbx/crmd";
import { memoryIo } from "../common/io.js";
import { run } from "./run.js";

const PORT = 18000 + (process.pid % 1000);
let root: string;
const daemons: RunningHbxd[] = [];

async function daemon(node: string, self: string, peer: string): Promise<string> {
  const haDir = join(root, node, "ha.d");
  mkdirSync(haDir, { recursive: true });
  writeFileSync(
    join(haDir, "ha.cf"),
    `logfile ${join(root, node, "ha-log")}\nkeepalive 100ms\ndeadtime 800ms\ninitdead 800ms\nudpport ${PORT}\nucast lo ${peer}\nnode alpha beta\n`,
  );
  writeFileSync(join(haDir, "authkeys"), "auth 1\n1 md5 t0ps3cret\n", { mode: 0o600 });
  const socket = join(root, node, "hbxd.sock");
  daemons.push(await startHbxd({ haDir, node, stateDir: join(root, node, "state"), bind: self, socket }));
  return socket;
}

async function cl(socket: string, ...args: string[]) {
  const io = memoryIo({ HBX_SOCKET: socket });
  const code = await run(args, io);
  return { code, out: io.out, err: io.err };
}

let sock: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "hbx-clstatus-"));
  sock = await daemon("alpha", "127.0.0.1", "127.0.0.2");
  await daemon("beta", "127.0.0.2", "127.0.0.1");
  for (let i = 0; i < 100 && (await cl(sock, "nodestatus", "beta")).out !== "active\n"; i++)
    await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  rmSync(root, { recursive: true, force: true });
});

describe("cl_status against a running hbxd", () => {
  it("prints Heartbeat's answers and exit codes for every sub-command", async () => {
    expect(await cl(sock, "hbstatus")).toEqual({
      code: 0,
      out: "Heartbeat is running on this machine.\n",
      err: "",
    });
    expect(await cl(sock, "listnodes")).toMatchObject({ code: 0, out: "alpha\nbeta\n" });
    expect(await cl(sock, "listnodes", "-p")).toMatchObject({ code: 0, out: "" });
    expect(await cl(sock, "nodestatus", "beta")).toMatchObject({ code: 0, out: "active\n" });
    expect(await cl(sock, "nodestatus", "beta", "-m")).toMatchObject({
      code: 0,
      out: "The cluster node beta is active\n",
    });
    expect(await cl(sock, "nodestatus", "nosuch")).toMatchObject({
      code: 11,
      out: "Error. May be due to incorrect node name\n",
    });
    expect(await cl(sock, "nodestatus")).toMatchObject({ code: 11, out: "Not enough parameters.\n" });
    expect(await cl(sock, "nodetype", "beta")).toMatchObject({ code: 0, out: "normal\n" });
    expect(await cl(sock, "listhblinks", "beta")).toMatchObject({ code: 0, out: "\tlo\n" });
    expect(await cl(sock, "listhblinks", "nosuch")).toMatchObject({ code: 13 });
    expect(await cl(sock, "hblinkstatus", "beta", "lo")).toMatchObject({ code: 0, out: "up\n" });
    expect(await cl(sock, "hblinkstatus", "beta", "eth9")).toMatchObject({ code: 13 });
    expect(await cl(sock, "clientstatus", "beta", "ipfail")).toMatchObject({ code: 1, out: "offline\n" });
    expect(await cl(sock, "clientstatus", "beta")).toMatchObject({ code: 11, out: "No enough parameter.\n" });
    expect(await cl(sock, "bogus")).toMatchObject({
      code: 11,
      err: "cl_status: ERROR: bogus: invalid sub-command.\n",
    });
    expect((await cl(sock, "hbstatus", "-v")).out).toBe(
      'version:\thbx 0.1.0\nmanaged by:\t"haresources"\n\nalpha\tactive\t(nodetype: normal)\n\tlo\tup\n\nbeta\tactive\t(nodetype: normal)\n\tlo\tup\n',
    );
  });

  it("says heartbeat is stopped when no daemon listens on the socket", async () => {
    const r = await cl(join(root, "none.sock"), "hbstatus");
    expect(r.code).toBe(1);
    expect(r.out).toBe("Heartbeat is stopped on this machine.\n");
    expect(r.err).toMatch(/Cannot signon with heartbeat/);
  });

  it("reports a stopped peer dead with exit code 1", async () => {
    await daemons[1].stop();
    daemons.splice(1, 1);
    for (let i = 0; i < 60 && (await cl(sock, "nodestatus", "beta")).code !== 1; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await cl(sock, "nodestatus", "beta")).toMatchObject({ code: 1, out: "dead\n" });
    expect(await cl(sock, "hblinkstatus", "beta", "lo")).toMatchObject({ code: 1, out: "dead\n" });
  });
});
