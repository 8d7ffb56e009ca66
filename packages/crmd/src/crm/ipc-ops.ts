import { formatVersion, serializeXml } from "@hbx/cib";
import { IpcError, type IpcErrorCode } from "../ipc/protocol.js";
import type { IpcHandler } from "../ipc/server.js";
import { CibWriteError, type CibWriteRefusal } from "./cib-writes.js";
import { type StatusRequest, parseStatusRequest } from "./status-ops.js";

export class CibReplaceError extends IpcError {}

/** What a client write may carry besides its content. */
export interface ClientWriteOptions {
  /** Write even without quorum, or (replace) over a newer configuration. */
  force?: boolean;
  /** Raise epoch even if nothing else changes (cibadmin -B). */
  bump?: boolean;
}

/** What the CRM IPC operations need from the running CRM mode. */
export interface CrmIpcSource {
  readonly self: string;
  readonly dc: string | undefined;
  readonly store: {
    current(): { document: import("@hbx/cib").XmlElement; version: import("@hbx/cib").CibVersion };
  };
  replace(xml: string, opts?: ClientWriteOptions): Promise<string>;
  /** Apply a format-2 patch on the DC (forwarded when this node is not the DC); the new version. */
  patch(xml: string, opts?: ClientWriteOptions): Promise<string>;
  /** Apply a status change on the DC (forwarded when this node is not the DC); the new version. */
  modifyStatus(req: StatusRequest, opts?: ClientWriteOptions): Promise<string>;
}

const REFUSAL_CODE: Record<CibWriteRefusal, IpcErrorCode> = {
  old: "old",
  conflict: "conflict",
  quorum: "quorum",
  status: "bad-request",
  invalid: "bad-request",
};

/** A refused write as the IPC error the tools map to Pacemaker's exit codes. */
export function writeRefusal(e: unknown): unknown {
  return e instanceof CibWriteError ? new IpcError(REFUSAL_CODE[e.reason], e.message) : e;
}

function force(args: Record<string, unknown>): ClientWriteOptions {
  if (args.force !== undefined && typeof args.force !== "boolean")
    throw new IpcError("bad-request", "force must be true or false");
  return { force: args.force === true };
}

async function write(fn: () => Promise<string>): Promise<{ version: string }> {
  try {
    return { version: await fn() };
  } catch (e) {
    throw writeRefusal(e);
  }
}

/**
 * `cib.query` → `{xml, version, dc, node}`: this node's copy of the CIB (the DC's latest version
 * it received). Writes go to the DC, which takes them one at a time in arrival order, only with
 * quorum (unless `force`), and answers once it stored the new version:
 * `cib.patch {patch, force?, bump?}` → `{version}`: a format-2 diff applied to the DC's current
 * CIB (`bump`: epoch + 1 even if it changes nothing, cibadmin -B);
 * `cib.replace {xml, force?}` → `{version}`: a whole CIB, a compare-and-swap on its
 * configuration version; `cib.status-update {node, set?, delete?, force?}` and
 * `cib.cleanup {resource, node?, force?}` → `{version}`: a node's transient attributes, or a
 * resource's fail-counts and history. A refused write fails with code `old` (stale replace),
 * `conflict` (a patched element is gone), `quorum`, or `bad-request`.
 */
export function crmIpcHandlers(crm: CrmIpcSource): Record<string, IpcHandler> {
  return {
    "cib.query": () => {
      const { document, version } = crm.store.current();
      return {
        xml: serializeXml(document, { pretty: true }),
        version: formatVersion(version),
        dc: crm.dc ?? null,
        node: crm.self,
      };
    },
    "cib.replace": (args) => {
      if (typeof args.xml !== "string" || args.xml === "")
        throw new IpcError("bad-request", "cib.replace needs {xml}");
      const xml = args.xml;
      return write(() => crm.replace(xml, force(args)));
    },
    "cib.patch": (args) => {
      if (typeof args.patch !== "string" || args.patch === "")
        throw new IpcError("bad-request", "cib.patch needs {patch} (a format-2 <diff>)");
      const patch = args.patch;
      if (args.bump !== undefined && typeof args.bump !== "boolean")
        throw new IpcError("bad-request", "bump must be true or false");
      return write(() => crm.patch(patch, { ...force(args), bump: args.bump === true }));
    },
    "cib.status-update": (args) => {
      const { force: f, ...rest } = args;
      const opts = force({ force: f });
      return write(() => crm.modifyStatus(parseStatusRequest("cib.status-update", rest), opts));
    },
    "cib.cleanup": (args) => {
      const { force: f, ...rest } = args;
      const opts = force({ force: f });
      return write(() => crm.modifyStatus(parseStatusRequest("cib.cleanup", rest), opts));
    },
  };
}
