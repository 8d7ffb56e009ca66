import { formatVersion, serializeXml } from "@hbx/cib";
import { IpcError } from "../ipc/protocol.js";
import type { IpcHandler } from "../ipc/server.js";

export class CibReplaceError extends IpcError {}

/** What the CRM IPC operations need from the running CRM mode. */
export interface CrmIpcSource {
  readonly self: string;
  readonly dc: string | undefined;
  readonly store: {
    current(): { document: import("@hbx/cib").XmlElement; version: import("@hbx/cib").CibVersion };
  };
  replace(xml: string): Promise<string>;
}

/**
 * `cib.query` → `{xml, version, dc, node}`: this node's copy of the CIB (the DC's latest version
 * it received). `cib.replace {xml}` → `{version}`: forwarded to the DC, validated against the
 * schema and refused when older than the current version; the status section stays the DC's.
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
  };
}
