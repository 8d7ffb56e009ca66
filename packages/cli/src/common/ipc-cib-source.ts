import {
  type CibVersion,
  type XmlElement,
  XmlSyntaxError,
  compareVersions,
  firstChild,
  parseXml,
  serializeXml,
} from "@hbx/cib";
import { IpcClient, IpcError } from "@hbx/crmd";
import { type CibSource, StaleCibError } from "./cib-source.js";
import { CliError, CrmExit } from "./exit-codes.js";
import { liveStatusChange } from "./live-status.js";

/** What hbxd's `cib.query` answers (packages/crmd/src/crm/README.md). */
interface CibQueryReply {
  xml: string;
  version: string;
  dc: string | null;
  node: string;
}

/** Parse `admin_epoch.epoch.num_updates` as hbxd formats it. */
function parseVersionText(text: string): CibVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  return { adminEpoch: Number(m[1]), epoch: Number(m[2]), numUpdates: Number(m[3]) };
}

function sectionText(cib: XmlElement, name: string): string {
  const el = firstChild(cib, name);
  return el ? serializeXml(el, { pretty: false }) : "";
}

/** The configuration version alone: the status section is the DC's and moves on its own. */
function configVersion(v: CibVersion): CibVersion {
  return { ...v, numUpdates: 0 };
}

/**
 * The live cluster's CIB through the local hbxd (`cib.query` / `cib.replace`), used when
 * CIB_file is unset. hbxd replaces the configuration and keeps the DC's status section, so a
 * write whose only change is in the status goes as `cib.status-update` (transient attributes:
 * fail-counts, crm_attribute -l reboot) and `cib.cleanup` (dropped resource history), and any
 * other status edit is refused rather than sent as a whole CIB that would silently drop it.
 */
export class IpcCibSource implements CibSource {
  /** The document last read: what the tool's change was computed from. */
  private lastRead?: XmlElement;

  constructor(readonly socket: string) {}

  get description(): string {
    return `hbxd at ${this.socket}`;
  }

  async read(): Promise<XmlElement> {
    const reply = await this.call<CibQueryReply>("cib.query");
    try {
      this.lastRead = parseXml(reply.xml, `cib.query from ${reply.node}`);
    } catch (e) {
      if (e instanceof XmlSyntaxError)
        throw new CliError(
          CrmExit.PROTOCOL,
          `hbxd answered cib.query with a CIB that does not parse: ${e.message}`,
        );
      throw e;
    }
    return this.lastRead;
  }

  async write(next: XmlElement, basedOn: CibVersion): Promise<void> {
    const base = this.lastRead;
    if (
      base !== undefined &&
      sectionText(base, "status") !== sectionText(next, "status") &&
      sectionText(base, "configuration") === sectionText(next, "configuration")
    ) {
      // Transient attributes and clean-ups go to the DC as such; other status edits cannot.
      const change = liveStatusChange(base, next);
      if (change) {
        for (const u of change.updates) await this.call("cib.status-update", { ...u });
        for (const c of change.cleanups) await this.call("cib.cleanup", { ...c });
        return;
      }
      throw new CliError(
        CrmExit.UNIMPLEMENT_FEATURE,
        "Call failed: status-section changes other than transient node attributes and resource cleanup are not supported on the live cluster yet; nothing was changed (set CIB_file=path to edit a file)",
      );
    }
    // hbxd refuses only an older configuration; an edit based on a version someone else has
    // since changed would carry the same epoch and be taken, losing their change. So check the
    // base here too (a narrow window remains between this query and the replace).
    const current = await this.call<CibQueryReply>("cib.query");
    const currentVersion = parseVersionText(current.version);
    if (
      currentVersion !== undefined &&
      compareVersions(configVersion(basedOn), configVersion(currentVersion)) !== 0
    ) {
      throw new StaleCibError(basedOn, currentVersion);
    }
    await this.call<{ version: string }>("cib.replace", { xml: serializeXml(next, { pretty: true }) });
  }

  /** One request on its own connection, its IpcError turned into Pacemaker's exit code. */
  private async call<T>(op: string, args?: Record<string, unknown>): Promise<T> {
    let client: IpcClient;
    try {
      client = await IpcClient.connect(this.socket, 5000);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new CliError(CrmExit.DISCONNECT, `Could not connect to the CIB: ${why}`);
    }
    try {
      // A write needs a DC. While the cluster is electing one (after a node loss, or a late
      // heartbeat under load), wait for it a little, as Pacemaker's tools wait for the CIB,
      // instead of failing the administrator's command.
      const deadline = Date.now() + ELECTION_WAIT_MS;
      for (;;) {
        try {
          return await client.request<T>(op, args, 20_000);
        } catch (e) {
          const electing = e instanceof IpcError && NO_DC.test(e.message) && Date.now() < deadline;
          if (!electing) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } catch (e) {
      if (e instanceof IpcError) throw ipcFailure(op, e);
      throw e;
    } finally {
      client.close();
    }
  }
}

/** How long a write waits for a DC to be elected before it gives up. */
const ELECTION_WAIT_MS = 10_000;
const NO_DC = /no DC elected yet/;

/** Map an IPC error to what Pacemaker's tools print and exit with for the same failure. */
export function ipcFailure(op: string, e: IpcError): CliError {
  if (e.code === "failed" && /refused/.test(e.message)) {
    return new CliError(
      CrmExit.OLD,
      `Call failed: Update was older than existing configuration: ${e.message}`,
    );
  }
  if (e.code === "failed" && /^cib\.replace:\d+/m.test(e.message)) {
    return new CliError(CrmExit.CONFIG, "Call failed: Update does not conform to the configured schema", [
      ...e.message.split("\n").map((l) => `error: ${l}`),
    ]);
  }
  if (e.code === "timeout") return new CliError(CrmExit.TIMEOUT, `Call failed: Timer expired: ${e.message}`);
  if (e.code === "closed" || e.code === "connect")
    return new CliError(CrmExit.DISCONNECT, `Could not connect to the CIB: ${e.message}`);
  if (e.code === "unknown-op")
    return new CliError(
      CrmExit.UNIMPLEMENT_FEATURE,
      `hbxd does not serve ${op}: it runs without the CRM (ha.cf \`crm on\`)`,
    );
  return new CliError(CrmExit.ERROR, `Call failed: ${op}: ${e.message}`);
}
