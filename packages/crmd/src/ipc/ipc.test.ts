import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { IpcClient, IpcError, IpcServer, resolveSocketPath } from "./index.js";
import { probeSocket, SocketInUseError } from "./server.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(handlers: ConstructorParameters<typeof IpcServer>[1]) {
  const dir = mkdtempSync(join(tmpdir(), "hbx-ipc-"));
  const path = join(dir, "run", "hbxd.sock");
  const server = new IpcServer(path, handlers, pino({ level: "silent" }));
  await server.listen();
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => server.close(),
  );
  return path;
}

describe("hbxd IPC", () => {
  it("answers requests by id over a socket created with mode 0660", async () => {
    const path = await serve({
      echo: (a) => ({ got: a.x }),
      slow: () => new Promise((r) => setTimeout(() => r("late"), 50)),
    });
    expect(statSync(path).mode & 0o777).toBe(0o660);
    const c = await IpcClient.connect(path);
    cleanup.push(() => c.close());
    const [slow, echo] = await Promise.all([c.request("slow"), c.request("echo", { x: 42 })]);
    expect(echo).toEqual({ got: 42 });
    expect(slow).toBe("late");
  });

  it("reports unknown operations, failing handlers and garbage lines as errors, never crashing", async () => {
    const path = await serve({
      boom: () => {
        throw new Error("kaput");
      },
    });
    const c = await IpcClient.connect(path);
    cleanup.push(() => c.close());
    await expect(c.request("nope")).rejects.toMatchObject({ code: "unknown-op" });
    await expect(c.request("boom")).rejects.toMatchObject({ code: "failed", message: "kaput" });
    await expect(c.request("__proto__")).rejects.toMatchObject({ code: "unknown-op" });
    const raw = connect(path);
    const reply = await new Promise<string>((resolve) => {
      raw.on("data", (d) => resolve(d.toString()));
      raw.write("{not json\n");
    });
    raw.destroy();
    expect(JSON.parse(reply)).toMatchObject({ ok: false, error: { code: "bad-request" } });
  });

  it("says which socket it could not reach", async () => {
    await expect(IpcClient.connect("/nonexistent/hbxd.sock")).rejects.toThrow(IpcError);
    await expect(IpcClient.connect("/nonexistent/hbxd.sock")).rejects.toThrow(/\/nonexistent\/hbxd.sock/);
  });

  it("finds the socket by flag, then HBX_SOCKET, then the default", () => {
    expect(resolveSocketPath("/a.sock", { HBX_SOCKET: "/b.sock" })).toBe("/a.sock");
    expect(resolveSocketPath(undefined, { HBX_SOCKET: "/b.sock" })).toBe("/b.sock");
    expect(resolveSocketPath(undefined, {})).toBe("/run/hbx/hbxd.sock");
  });

  it("refuses a socket path a live server answers on, and leaves that server's socket in place", async () => {
    const path = await serve({ ping: () => "first" });
    const ino = statSync(path).ino;
    const second = new IpcServer(path, {}, pino({ level: "silent" }));
    await expect(second.listen()).rejects.toThrow(SocketInUseError);
    await second.close();
    expect(statSync(path).ino).toBe(ino);
    const c = await IpcClient.connect(path);
    cleanup.push(() => c.close());
    expect(await c.request("ping")).toBe("first");
  });

  it("takes over a stale socket nothing answers on, and refuses a path that is not a socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-ipc-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "hbxd.sock");
    // A socket file whose server is gone, as a kill -9 leaves it.
    const child = spawn(process.execPath, [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(path)})`,
    ]);
    for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(await probeSocket(path)).toBe("stale");
    const server = new IpcServer(path, { ping: () => "new" }, pino({ level: "silent" }));
    await server.listen();
    cleanup.push(() => server.close());
    const c = await IpcClient.connect(path);
    cleanup.push(() => c.close());
    expect(await c.request("ping")).toBe("new");
    writeFileSync(join(dir, "plain"), "not a socket");
    expect(await probeSocket(join(dir, "plain"))).toBe("not-a-socket");
    await expect(new IpcServer(join(dir, "plain"), {}, pino({ level: "silent" })).listen()).rejects.toThrow(
      /is not a socket/,
    );
    expect(await probeSocket(join(dir, "none"))).toBe("absent");
  });

  it("gives the socket the group it is told", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-ipc-"));
    const path = join(dir, "hbxd.sock");
    const gid = process.getgid!();
    const server = new IpcServer(path, {}, pino({ level: "silent" }), { gid });
    await server.listen();
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => server.close(),
    );
    expect(statSync(path).gid).toBe(gid);
    expect(existsSync(path)).toBe(true);
  });
});
