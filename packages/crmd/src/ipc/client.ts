import { connect, type Socket } from "node:net";
import { IpcError, type IpcReply } from "./protocol.js";

/** The client every tool uses to talk to hbxd: connect once, then request/reply by id. */
export class IpcClient {
  private nextId = 1;
  private buf = "";
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly sock: Socket) {
    sock.setEncoding("utf8");
    sock.on("data", (chunk: string) => this.onData(chunk));
    sock.on("close", () => this.failAll(new IpcError("closed", "hbxd closed the connection")));
    sock.on("error", (e) => this.failAll(new IpcError("closed", e.message)));
  }

  static connect(path: string, timeoutMs = 5000): Promise<IpcClient> {
    return new Promise((resolve, reject) => {
      const sock = connect(path);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new IpcError("timeout", `timed out connecting to ${path}`));
      }, timeoutMs);
      sock.once("connect", () => {
        clearTimeout(timer);
        sock.removeAllListeners("error");
        resolve(new IpcClient(sock));
      });
      sock.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new IpcError("connect", `cannot connect to hbxd at ${path}: ${e.code ?? e.message}`));
      });
    });
  }

  request<T = unknown>(op: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IpcError("timeout", `hbxd did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sock.write(JSON.stringify({ id, op, args }) + "\n");
    });
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      let r: IpcReply;
      try {
        r = JSON.parse(line) as IpcReply;
      } catch {
        continue;
      }
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.result);
      else p.reject(new IpcError(r.error.code, r.error.message));
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  close(): void {
    this.sock.end();
    this.sock.destroy();
  }
}
