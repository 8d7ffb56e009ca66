import {
  type CibVersion,
  TRUSTED_XML_LIMITS,
  type XmlElement,
  XmlSyntaxError,
  childElements,
  firstChild,
  makePatch,
  parseXml,
  sameElement,
  serializeXml,
  writeVersion,
} from "@hbx/cib";
import { IpcClient, IpcError } from "@hbx/crmd";
import { type CibSource, type CibWriteOptions } from "./cib-source.js";
import { CliError, CrmExit } from "./exit-codes.js";
import { liveStatusChange } from "./live-status.js";

/** What hbxd's `cib.query` answers (packages/crmd/src/crm/README.md). */
interface CibQueryReply {
  xml: string;
  version: string;
  dc: string | null;
  node: string;
}

const sameSection = (a: XmlElement, b: XmlElement, name: string): boolean =>
  sameElement(firstChild(a, name), firstChild(b, name));

/**
 * `doc` without its status section when that is its last element, as the diff of a write that
 * left the status alone can be made: the status is most of a running cluster's CIB, and
 * diffing it element by element made a tool's write cost its size. The changes and their
 * positions are the same either way.
 */
function withoutTrailingStatus(doc: XmlElement): XmlElement | undefined {
  const last = childElements(doc).at(-1);
  if (last?.name !== "status") return undefined;
  return { ...doc, children: doc.children.filter((c) => c !== last) };
}

/**
 * The live cluster's CIB through the local hbxd (`cib.query`, then `cib.patch` / `cib.replace`),
 * used when CIB_file is unset. A tool's change goes to the DC as a format-2 patch from the CIB it
 * read, applied there to the current CIB in order; a whole replace (cibadmin -R of a `<cib>`)
 * as a compare-and-swap on the version it was made from. The status section is the DC's: a
 * write whose only change is in the status goes as `cib.status-update` (transient attributes:
 * fail-counts, crm_attribute -l reboot) and `cib.cleanup` (dropped resource history), and any
 * other status edit is refused rather than sent as a change the DC would refuse.
 */
export class IpcCibSource implements CibSource {
  /** The document last read: what the tool's change was computed from. */
  private lastRead?: XmlElement;

  /** The DC runs assertWritableCib on every patch and replace it takes. */
  readonly checksWrites = true;

  constructor(readonly socket: string) {}

  get description(): string {
    return `hbxd at ${this.socket}`;
  }

  async read(): Promise<XmlElement> {
    const reply = await this.call<CibQueryReply>("cib.query");
    try {
      this.lastRead = parseXml(reply.xml, `cib.query from ${reply.node}`, TRUSTED_XML_LIMITS);
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

  async write(next: XmlElement, basedOn: CibVersion, opts: CibWriteOptions = {}): Promise<void> {
    const base = this.lastRead;
    const force = opts.force === true;
    const statusSame = base !== undefined && sameSection(base, next, "status");
    if (base !== undefined && !statusSame && sameSection(base, next, "configuration")) {
      // Transient attributes and clean-ups go to the DC as such; other status edits cannot.
      const change = liveStatusChange(base, next);
      if (change) {
        for (const u of change.updates) await this.call("cib.status-update", { ...u, force });
        for (const c of change.cleanups) await this.call("cib.cleanup", { ...c, force });
        return;
      }
      throw new CliError(
        CrmExit.UNIMPLEMENT_FEATURE,
        "Call failed: status-section changes other than transient node attributes and resource cleanup are not supported on the live cluster yet; nothing was changed (set CIB_file=path to edit a file)",
      );
    }
    if (opts.replace !== undefined || base === undefined) {
      // A whole replace is a compare-and-swap at the DC on the version the edit was made from
      // (the file's, for cibadmin -R -x): an older configuration there is refused with 103.
      const doc = { ...next, attrs: { ...next.attrs } };
      writeVersion(doc, opts.replace ?? basedOn);
      await this.call<{ version: string }>("cib.replace", {
        xml: serializeXml(doc, { pretty: true }),
        force,
      });
      return;
    }
    // Anything else goes as the change itself, which the DC applies to its current CIB in
    // order: another tool's write since this one read the CIB is kept, not overwritten.
    const [from, to] = statusSame ? [withoutTrailingStatus(base), withoutTrailingStatus(next)] : [];
    const patch = from && to ? makePatch(from, to) : makePatch(base, next);
    await this.call<{ version: string }>("cib.patch", {
      patch: serializeXml(patch, { pretty: false }),
      force,
      ...(opts.bump === true ? { bump: true } : {}),
    });
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
  if (e.code === "old" || (e.code === "failed" && /refused/.test(e.message))) {
    const why = e.message.replace(/^Update was older than existing configuration: /, "");
    return new CliError(CrmExit.OLD, `Call failed: Update was older than existing configuration: ${why}`);
  }
  if (e.code === "conflict")
    return new CliError(CrmExit.DIGEST, `Call failed: Application of update diff failed: ${e.message}`);
  if (e.code === "quorum") return new CliError(CrmExit.QUORUM, `Call failed: ${e.message}`);
  // The DC's schema errors name a line (cib.patch:12: …), its typed-value errors a place
  // (cib.patch: /cib/configuration/…): both are the configuration's fault, exit 78.
  if (e.code === "failed" && /^cib\.(replace|patch):(\d+| \/cib\/)/m.test(e.message)) {
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
