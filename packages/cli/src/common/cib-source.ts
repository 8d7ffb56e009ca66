import { promises as fs } from "node:fs";
import path from "node:path";
import {
  type CibVersion,
  type XmlElement,
  type XmlLimits,
  DEFAULT_XML_LIMITS,
  XmlSyntaxError,
  compareVersions,
  formatVersion,
  parseXml,
  readVersion,
  readXmlText,
  serializeXml,
  xmlLimitsFromEnv,
} from "@hbx/cib";
import { resolveSocketPath } from "@hbx/crmd";
import { CliError, CrmExit } from "./exit-codes.js";
import { type CliIo } from "./io.js";
import { IpcCibSource } from "./ipc-cib-source.js";

/**
 * Where a tool reads and writes the CIB. Today a file (`CIB_file`, Pacemaker's convention);
 * later hbxd's IPC on a live node, behind the same two calls, so no tool changes its flags.
 */
export interface CibSource {
  /** Human-readable name for messages (the file path). */
  readonly description: string;
  /** The far side checks every write against the schema itself (hbxd's DC), so the tool need not. */
  readonly checksWrites?: boolean;
  read(): Promise<XmlElement>;
  /**
   * Store `next`. `basedOn` is the version the change was computed from; if the stored CIB has
   * moved on since, nothing is written and StaleCibError is thrown (no lost updates).
   */
  write(next: XmlElement, basedOn: CibVersion, opts?: CibWriteOptions): Promise<void>;
}

/** How a live cluster takes a write (a file ignores both: it has no DC and no quorum). */
export interface CibWriteOptions {
  /**
   * `next` is a whole replacement (cibadmin -R of a `<cib>`) that carried this version: a
   * compare-and-swap on it at the DC, whatever version `next` has once bumped.
   */
  replace?: CibVersion;
  /** --force: write without quorum, or replace over a newer configuration. */
  force?: boolean;
  /** cibadmin -B: raise epoch though the configuration did not change. */
  bump?: boolean;
}

/** The stored CIB changed between read and write. */
export class StaleCibError extends CliError {
  constructor(
    readonly basedOn: CibVersion,
    readonly current: CibVersion,
  ) {
    super(
      CrmExit.OLD,
      `Call failed: Update was older than existing configuration: the change was based on ${formatVersion(basedOn)} but the CIB is now ${formatVersion(current)}`,
    );
  }
}

export class FileCibSource implements CibSource {
  constructor(
    readonly file: string,
    readonly limits: XmlLimits = DEFAULT_XML_LIMITS,
  ) {}

  get description(): string {
    return this.file;
  }

  async read(): Promise<XmlElement> {
    let text: string;
    try {
      // Through the hardened reader: size looked at before reading, bytes checked as UTF-8.
      text = await readXmlText(this.file, this.file, this.limits);
    } catch (e) {
      if (e instanceof XmlSyntaxError)
        throw new CliError(CrmExit.DISCONNECT, `Could not connect to the CIB: ${e.message}`);
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(
        CrmExit.DISCONNECT,
        `Could not connect to the CIB: ${code === "ENOENT" ? "No such device or address" : String(code)} (CIB_file=${this.file})`,
      );
    }
    try {
      return parseXml(text, this.file, this.limits);
    } catch (e) {
      if (e instanceof XmlSyntaxError)
        throw new CliError(CrmExit.DISCONNECT, `Could not connect to the CIB: ${e.message}`);
      throw e;
    }
  }

  async write(next: XmlElement, basedOn: CibVersion): Promise<void> {
    const current = readVersion(await this.read());
    if (compareVersions(current, basedOn) !== 0) throw new StaleCibError(basedOn, current);
    // Write beside the file and rename over it, so a reader never sees half a CIB.
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    await fs.writeFile(tmp, serializeXml(next, { pretty: true }), "utf8");
    await fs.rename(tmp, this.file);
  }
}

/**
 * The CIB a tool works on: `CIB_file` when set, else the live cluster through the local hbxd
 * (--socket, else $HBX_SOCKET, else /run/hbx/hbxd.sock). When no hbxd answers there, the first
 * read fails with exit 102 "Could not connect to the CIB", as Pacemaker's tools do.
 */
export function openCibSource(io: CliIo): CibSource {
  const file = io.env.CIB_file;
  if (file !== undefined && file !== "") {
    return new FileCibSource(path.resolve(io.cwd, file), xmlLimitsFromEnv(io.env));
  }
  return new IpcCibSource(resolveSocketPath(undefined, io.env));
}
