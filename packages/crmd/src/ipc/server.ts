import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync, statSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import type { Logger } from "pino";
import { IpcError, MAX_LINE_BYTES, type IpcReply, type IpcRequest } from "./protocol.js";

export type IpcHandler = (args: Record<string, unknown>) => unknown;

/** The socket path is served by a live daemon (or is not a socket at all): never take it over. */
export class SocketInUseError extends Error {}

export interface IpcServerOptions {
  /** Group given the 0660 socket, so its members can use the tools without root. */
  gid?: number;
}

/**
 * What is at a socket path: nothing, a live server (something accepted a connection), a stale
 * socket file a killed daemon left (connection refused), or something that is not a socket.
 */
export async function probeSocket(
  path: string,
  timeoutMs = 1000,
): Promise<"absent" | "live" | "stale" | "not-a-socket"> {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw e;
  }
  if (!st.isSocket()) return "not-a-socket";
  return new Promise((resolve) => {
    const c = connect(path);
    // A server too busy to accept within the timeout is still alive.
    const timer = setTimeout(() => done("live"), timeoutMs);
    function done(r: "live" | "stale"): void {
      clearTimeout(timer);
      c.destroy();
      resolve(r);
    }
    c.once("connect", () => done("live"));
    c.once("error", (e: NodeJS.ErrnoException) =>
      done(e.code === "ECONNREFUSED" || e.code === "ENOENT" ? "stale" : "live"),
    );
  });
}

/**
 * Serves JSON-lines requests on a Unix socket created with mode 0660, so only root and the
 * socket's group can talk to the daemon. Handlers are looked up by op name.
 */
export class IpcServer {
  private server?: Server;
  private readonly clients = new Set<Socket>();
  private readonly log: Logger;
  /** The inode of the socket this server bound: close() removes that one and no other. */
  private boundIno?: number;

  constructor(
    readonly path: string,
    private readonly handlers: Record<string, IpcHandler>,
    logger: Logger,
    private readonly opts: IpcServerOptions = {},
  ) {
    this.log = logger.child({ component: "ipc" });
  }

  async listen(): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o750 });
    const found = await probeSocket(this.path);
    if (found === "live") throw new SocketInUseError(`${this.path} is served by another process`);
    if (found === "not-a-socket") throw new SocketInUseError(`${this.path} exists and is not a socket`);
    if (found === "stale") {
      // Left by a daemon that was killed: nothing answers on it, and it would make listen fail.
      rmSync(this.path, { force: true });
      this.log.info({ path: this.path }, `stale socket ${this.path} removed`);
    }
    const server = createServer((sock) => this.accept(sock));
    this.server = server;
    const oldMask = process.umask(0o117);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.path, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
    }
    chmodSync(this.path, 0o660);
    if (this.opts.gid !== undefined) chownSync(this.path, -1, this.opts.gid);
    this.boundIno = statSync(this.path).ino;
    this.log.info({ path: this.path }, `IPC listening on ${this.path}`);
  }

  private accept(sock: Socket): void {
    this.clients.add(sock);
    sock.on("close", () => this.clients.delete(sock));
    sock.on("error", () => sock.destroy());
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("data", (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE_BYTES) {
        this.reply(sock, {
          id: 0,
          ok: false,
          error: { code: "bad-request", message: "request line too long" },
        });
        sock.end();
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) void this.handle(sock, line);
      }
    });
  }

  private async handle(sock: Socket, line: string): Promise<void> {
    let req: IpcRequest;
    try {
      req = JSON.parse(line) as IpcRequest;
      if (typeof req !== "object" || req === null || typeof req.op !== "string")
        throw new Error("expected {id, op, args}");
    } catch (e) {
      this.reply(sock, { id: 0, ok: false, error: { code: "bad-request", message: (e as Error).message } });
      return;
    }
    const id = typeof req.id === "number" ? req.id : 0;
    const handler = Object.hasOwn(this.handlers, req.op) ? this.handlers[req.op] : undefined;
    if (!handler) {
      this.reply(sock, {
        id,
        ok: false,
        error: { code: "unknown-op", message: `unknown operation ${req.op}` },
      });
      return;
    }
    try {
      const result = await handler(req.args ?? {});
      this.reply(sock, { id, ok: true, result: result ?? null });
    } catch (e) {
      const code =
        e instanceof IpcError && e.code !== "connect" && e.code !== "timeout" && e.code !== "closed"
          ? e.code
          : "failed";
      this.log.debug(
        { op: req.op, err: (e as Error).message },
        `IPC ${req.op} failed: ${(e as Error).message}`,
      );
      this.reply(sock, { id, ok: false, error: { code, message: (e as Error).message } });
    }
  }

  private reply(sock: Socket, r: IpcReply): void {
    if (!sock.destroyed) sock.write(JSON.stringify(r) + "\n");
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    this.removeOwnSocket();
  }

  /** Another daemon may have bound the path since (after a stale check): leave its socket alone. */
  private removeOwnSocket(): void {
    const ino = this.boundIno;
    this.boundIno = undefined;
    if (ino === undefined) return;
    try {
      if (lstatSync(this.path).ino === ino) rmSync(this.path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}
