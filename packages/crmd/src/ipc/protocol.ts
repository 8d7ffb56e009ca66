/**
 * hbxd's local IPC: one JSON object per line over a Unix socket. A request names an operation;
 * the reply carries the same id and either a result or an error with a stable code.
 */
export interface IpcRequest {
  id: number;
  op: string;
  args?: Record<string, unknown>;
}

export type IpcReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: IpcErrorCode; message: string } };

/** `old`, `conflict`, `quorum`: a CIB write the DC refused (crm/cib-writes.ts), each its own exit code. */
export type IpcErrorCode =
  "bad-request" | "unknown-op" | "not-found" | "failed" | "old" | "conflict" | "quorum";

/** Default socket path when neither --socket nor HBX_SOCKET is given. */
export const DEFAULT_SOCKET = "/run/hbx/hbxd.sock";

/** Largest request line the server reads; a longer line is a protocol error, not a memory leak. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** --socket PATH, else $HBX_SOCKET, else /run/hbx/hbxd.sock: the same rule for hbxd and every tool. */
export function resolveSocketPath(
  flag?: string,
  env: Record<string, string | undefined> = process.env,
): string {
  if (flag) return flag;
  if (env.HBX_SOCKET) return env.HBX_SOCKET;
  return DEFAULT_SOCKET;
}

/** An error reply turned back into an exception on the client side. */
export class IpcError extends Error {
  constructor(
    readonly code: IpcErrorCode | "connect" | "timeout" | "closed",
    message: string,
  ) {
    super(message);
    this.name = "IpcError";
  }
}
