import { formatVersion, serializeXml } from "@hbx/cib";
import { IpcError } from "../ipc/protocol.js";
import type { IpcHandler } from "../ipc/server.js";
import { type StatusRequest, parseStatusRequest } from "./status-ops.js";

export class CibReplaceError extends IpcError {}

/** What the CRM IPC operations need from the running CRM mode. */
export interface CrmIpcSource {
  readonly self: string;
  readonly dc: string | undefined;
  readonly store: {
    current(): { document: import("@hbx/cib").XmlElement; version: import("@hbx/cib").CibVersion };
  };
  replace(xml: string): Promise<string>;
  /** Apply a status change on the DC (forwarded when this node is not the DC); the new version. */
  modifyStatus(req: StatusRequest): Promise<string>;
}

/**
 * `cib.query` → `{xml, version, dc, node}`: this node's copy of the CIB (the DC's latest version
 * it received). `cib.replace {xml}` → `{version}`: forwarded to the DC, validated against the
 * schema and refused when older than the current version; the status section stays the DC's.
 * `cib.status-update {node, set?, delete?}` and `cib.cleanup {resource, node?}` → `{version}`:
 * a node's transient attributes, or a resource's fail-counts and history, changed by the DC.
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
    "cib.replace": async (args) => {
      if (typeof args.xml !== "string" || args.xml === "")
        throw new IpcError("bad-request", "cib.replace needs {xml}");
      return { version: await crm.replace(args.xml) };
    },
    "cib.status-update": async (args) => ({
      version: await crm.modifyStatus(parseStatusRequest("cib.status-update", args)),
    }),
    "cib.cleanup": async (args) => ({
      version: await crm.modifyStatus(parseStatusRequest("cib.cleanup", args)),
    }),
  };
}
