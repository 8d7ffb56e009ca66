import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import type * as Pino from "pino";
import { type Logger } from "pino";
import { cibFileDigest, configurationDigest } from "../digest/cibDigest.js";
import { CibValidationError, validateCib } from "../schema/validate.js";
import {
  type CibVersion,
  compareVersions,
  formatVersion,
  readVersion,
  writeVersion,
} from "../version/version.js";
import { type XmlElement, cloneElement, firstChild } from "../xml/node.js";
import { TRUSTED_XML_LIMITS } from "../xml/limits.js";
import { parseXml } from "../xml/parse.js";
import { serializeXml } from "../xml/serialize.js";
import { CibDatabase, type CurrentRow, type HistoryRow } from "./database.js";
import { StaleUpdateError } from "./errors.js";
import { type CibFileImage, fileImage, sha256, writeFileImage } from "./files.js";
import { summarizeChange } from "./summary.js";

export interface CibStoreOptions {
  /** How many versions the history keeps (the current one included). Default 100. */
  historyLimit?: number;
  logger?: Logger;
  /** Clock for history timestamps and cib-last-written (tests). */
  now?: () => Date;
}

/** Who asks for a change, and on what it is based. */
export interface CibChange {
  /** The client's name, recorded in the history (e.g. "cibadmin", "crmd", "crm_resource"). */
  client: string;
  /** What it did (e.g. "replace", "modify", "delete"); recorded in the history. */
  operation?: string;
  /** The version the change was computed from; older than the current one means stale. */
  basedOn?: CibVersion;
  /** Take the change even if it is stale. */
  force?: boolean;
  /**
   * Store the document under its own version, never a bumped one: a copy taken from the DC
   * must carry the DC's version, or this node would claim a version the DC never wrote.
   */
  exact?: boolean;
}

export interface CommitResult {
  /** False when the document was identical to the current one: nothing was written. */
  changed: boolean;
  version: CibVersion;
  previous: CibVersion;
  summary: string;
}

export interface CibHistoryEntry {
  seq: number;
  version: CibVersion;
  client: string;
  operation: string;
  summary: string;
  at: Date;
  document(): XmlElement;
}

const EMPTY_CIB = `<cib admin_epoch="0" epoch="0" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>`;

/** Created on first use, so importing @hbx/cib opens no stream. Hand-edit notices go to stderr. */
let defaultLogger: Logger | undefined;
function fallbackLogger(): Logger {
  if (defaultLogger === undefined) {
    // Loaded here, not imported: tools that only read CIBs (crm_simulate) never pay for it.
    const { pino } = createRequire(import.meta.url)("pino") as typeof Pino;
    defaultLogger = pino({ level: process.env.HBX_LOG_LEVEL ?? "info" }, pino.destination(2));
  }
  return defaultLogger;
}

/** The store's directory: 0750 like Pacemaker's CIB directory; an existing looser one is tightened. */
function closeDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  const mode = statSync(dir).mode & 0o777;
  if ((mode & ~0o750) !== 0) chmodSync(dir, mode & 0o750);
}

/** The document without its version counters, to tell whether anything but the version changed. */
function contentOf(doc: XmlElement): string {
  const copy = { ...doc, attrs: { ...doc.attrs } };
  delete copy.attrs.admin_epoch;
  delete copy.attrs.epoch;
  delete copy.attrs.num_updates;
  delete copy.attrs["cib-last-written"];
  return serializeXml(copy, { pretty: false });
}

/**
 * A node's CIB, kept in SQLite (WAL) in a state directory, mirrored to cib.xml and cib.xml.sig
 * for people and backups. See docs/decisions/0001-sqlite-cib-store.md.
 */
export class CibStore {
  readonly cibPath: string;
  readonly sigPath: string;
  private readonly historyLimit: number;
  private readonly log: Logger;
  private readonly now: () => Date;
  private cache: { dataVersion: number; version: CibVersion; doc: XmlElement } | undefined;

  private constructor(
    readonly dir: string,
    private readonly db: CibDatabase,
    opts: CibStoreOptions,
  ) {
    this.cibPath = join(dir, "cib.xml");
    this.sigPath = join(dir, "cib.xml.sig");
    this.historyLimit = opts.historyLimit ?? 100;
    this.log = (opts.logger ?? fallbackLogger()).child({ component: "cib-store" });
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Open (or create) the store in `dir`. A cib.xml that differs from what the store last wrote
   * was edited by hand while hbx was stopped: if valid it becomes a new version (logged); if
   * not, open fails with the CibValidationError (file:line, element path) and changes nothing.
   */
  static async open(dir: string, opts: CibStoreOptions = {}): Promise<CibStore> {
    closeDirectory(dir);
    const db = new CibDatabase(join(dir, "cib.db"));
    const store = new CibStore(dir, db, opts);
    try {
      await store.reconcile();
    } catch (e) {
      db.close();
      throw e;
    }
    return store;
  }

  close(): void {
    this.db.close();
  }

  /** The current document (a copy the caller may change) and its version. */
  current(): { document: XmlElement; version: CibVersion } {
    const { doc, version } = this.cached();
    return { document: cloneElement(doc), version };
  }

  currentVersion(): CibVersion {
    return this.cached().version;
  }

  /**
   * Make `doc` the current CIB in one transaction. Refused with StaleUpdateError when it is
   * based on (`change.basedOn`, else the version `doc` carries) a version older than the
   * current one, unless forced. The new version: the document's own if that is newer than the
   * current one, else the current one with epoch + 1 (configuration changed) or
   * num_updates + 1 (status only); versions only ever grow.
   */
  replace(doc: XmlElement, change: CibChange): CommitResult {
    return this.commit(change, () => cloneElement(doc));
  }

  /** Read-modify-write in one transaction: `fn` gets a copy of the current CIB to change or replace. */
  update(fn: (doc: XmlElement) => XmlElement | void, change: CibChange): CommitResult {
    return this.commit(change, (current) => {
      const draft = cloneElement(current);
      return fn(draft) ?? draft;
    });
  }

  /** epoch + 1 without another change (cibadmin --bump). */
  bump(change: CibChange): CommitResult {
    return this.commit({ operation: "bump", ...change }, (current) => cloneElement(current), true);
  }

  /** The kept versions, newest first (the current one included). */
  history(limit = this.historyLimit): CibHistoryEntry[] {
    return this.db.readHistory(limit).map((r: HistoryRow) => ({
      seq: r.seq,
      version: r.version,
      client: r.client,
      operation: r.operation,
      summary: r.summary,
      at: new Date(r.at),
      document: () => parseXml(r.xml, `history #${r.seq}`, TRUSTED_XML_LIMITS),
    }));
  }

  private cached(): { doc: XmlElement; version: CibVersion } {
    const dataVersion = this.db.dataVersion();
    if (this.cache?.dataVersion === dataVersion) return this.cache;
    const row = this.db.readCurrent();
    if (!row) throw new Error(`${this.dir}: the CIB store holds no current version`);
    const doc =
      this.cache && compareVersions(this.cache.version, row.version) === 0
        ? this.cache.doc
        : parseXml(row.xml, join(this.dir, "cib.db"), TRUSTED_XML_LIMITS);
    this.cache = { dataVersion, version: row.version, doc };
    return this.cache;
  }

  private commit(
    change: CibChange,
    produce: (current: XmlElement) => XmlElement,
    forceEpoch = false,
  ): CommitResult {
    const writtenAt = this.now();
    const outcome = this.db.transaction((): { result: CommitResult; image?: CibFileImage | undefined } => {
      const { doc: current, version: currentVersion } = this.cached();
      const next = produce(current);
      const docVersion = readVersion(next);
      const basedOn = change.basedOn ?? docVersion;
      if (!change.force && compareVersions(basedOn, currentVersion) < 0) {
        throw new StaleUpdateError(basedOn, currentVersion);
      }
      if (!forceEpoch && contentOf(next) === contentOf(current)) {
        return {
          result: { changed: false, version: currentVersion, previous: currentVersion, summary: "no change" },
        };
      }
      const configChanged = forceEpoch || configurationDigest(next) !== configurationDigest(current);
      const bumped: CibVersion = configChanged
        ? { adminEpoch: currentVersion.adminEpoch, epoch: currentVersion.epoch + 1, numUpdates: 0 }
        : { ...currentVersion, numUpdates: currentVersion.numUpdates + 1 };
      const version = change.exact || compareVersions(docVersion, bumped) > 0 ? docVersion : bumped;
      writeVersion(next, version);
      const summary =
        forceEpoch && contentOf(next) === contentOf(current)
          ? "epoch bumped"
          : summarizeChange(current, next);
      const image = this.store(next, version, change, summary, writtenAt);
      return { result: { changed: true, version, previous: currentVersion, summary }, image };
    });
    const { result, image } = outcome;
    if (!result.changed) return result;
    // After the commit: a crash before the rename leaves the previous cib.xml, which open()
    // recognises (prev_file_sha) and rewrites.
    if (image) this.writeFiles(image);
    const operation = change.operation ?? "replace";
    // A member following the DC's copy stores every status update the DC makes: routine, so
    // debug; a sync that brings a configuration change still gets an info line.
    const routine = operation === "sync" && result.summary === "changed status";
    this.log[routine ? "debug" : "info"](
      { client: change.client, operation, version: formatVersion(result.version) },
      `${operation} by ${change.client}: ${result.summary}`,
    );
    return result;
  }

  /**
   * Inside a transaction: make `doc` current and add it to the history. Returns the cib.xml
   * image to write, or undefined when the file does not change: like Pacemaker, cib.xml holds
   * the configuration only, so a status update (same admin_epoch.epoch) leaves it alone.
   */
  private store(
    doc: XmlElement,
    version: CibVersion,
    change: CibChange,
    summary: string,
    at: Date,
  ): CibFileImage | undefined {
    const previous = this.db.readCurrent();
    const xml = serializeXml(doc, { pretty: false });
    const sameFile =
      previous !== undefined &&
      previous.version.adminEpoch === version.adminEpoch &&
      previous.version.epoch === version.epoch;
    const image = sameFile ? undefined : fileImage(doc, at);
    this.db.writeCurrent({
      version,
      xml,
      fileText: image?.text ?? previous!.fileText,
      fileSha: image?.sha ?? previous!.fileSha,
      prevFileSha: image ? (previous?.fileSha ?? null) : previous!.prevFileSha,
    });
    this.db.appendHistory(
      {
        version,
        xml,
        client: change.client,
        operation: change.operation ?? "replace",
        summary,
        at: at.toISOString(),
      },
      this.historyLimit,
    );
    this.cache = undefined;
    return image;
  }

  private writeFiles(image: { text: string; sig: string }): void {
    try {
      writeFileImage(this.cibPath, this.sigPath, image);
    } catch (e) {
      // The database is the truth; the next open rewrites the file.
      this.log.error({ err: e, path: this.cibPath }, "could not write cib.xml");
    }
  }

  /** Bring the database and cib.xml into agreement at open. */
  private async reconcile(): Promise<void> {
    const row = this.db.readCurrent();
    const fileText = existsSync(this.cibPath) ? readFileSync(this.cibPath, "utf8") : undefined;
    if (row === undefined) {
      if (fileText === undefined) {
        this.db.transaction(() =>
          this.store(
            parseXml(EMPTY_CIB),
            readVersion(parseXml(EMPTY_CIB)),
            { client: "hbx", operation: "create" },
            "initial version",
            this.now(),
          ),
        );
      } else {
        const doc = await this.readHandEdited(fileText);
        const version = readVersion(doc);
        this.db.transaction(() =>
          this.store(doc, version, { client: "cib.xml", operation: "import" }, "initial version", this.now()),
        );
        this.log.info(
          { path: this.cibPath, version: formatVersion(version) },
          `took ${this.cibPath} as the initial CIB, version ${formatVersion(version)}`,
        );
      }
    } else if (
      fileText !== undefined &&
      sha256(fileText) !== row.fileSha &&
      sha256(fileText) !== row.prevFileSha
    ) {
      await this.takeHandEdit(fileText, row);
    }
    const now = this.db.readCurrent()!;
    const sig = cibFileDigest(parseXml(now.fileText, this.cibPath, TRUSTED_XML_LIMITS));
    // A kill between the two renames leaves the new cib.xml beside the old cib.xml.sig: the
    // signature is checked, not only found, or Pacemaker's tools would refuse the file.
    const sigOk = existsSync(this.sigPath) && readFileSync(this.sigPath, "utf8") === sig;
    if (!existsSync(this.cibPath) || sha256(readFileSync(this.cibPath, "utf8")) !== now.fileSha || !sigOk) {
      this.writeFiles({ text: now.fileText, sig });
    }
  }

  /** Parse and validate a cib.xml written by someone else; throws with file:line on failure. */
  private async readHandEdited(text: string): Promise<XmlElement> {
    const doc = parseXml(text, this.cibPath);
    const result = await validateCib(text, this.cibPath);
    if (!result.valid) throw new CibValidationError(this.cibPath, result.errors);
    delete doc.attrs["cib-last-written"];
    return doc;
  }

  private async takeHandEdit(text: string, row: CurrentRow): Promise<void> {
    const edited = await this.readHandEdited(text);
    const current = parseXml(row.xml, join(this.dir, "cib.db"), TRUSTED_XML_LIMITS);
    // cib.xml carries no status section (as in Pacemaker); keep the store's unless the file has one.
    if (!firstChild(edited, "status")) {
      const status = firstChild(current, "status");
      if (status) edited.children.push(cloneElement(status));
    }
    if (contentOf(edited) === contentOf(current)) {
      this.log.info(
        { path: this.cibPath },
        `${this.cibPath} was reformatted by hand; its content is unchanged`,
      );
      return;
    }
    const fileVersion = readVersion(edited);
    const version =
      compareVersions(fileVersion, row.version) > 0
        ? fileVersion
        : { adminEpoch: row.version.adminEpoch, epoch: row.version.epoch + 1, numUpdates: 0 };
    writeVersion(edited, version);
    const summary = summarizeChange(current, edited);
    this.db.transaction(() =>
      this.store(
        edited,
        version,
        { client: "cib.xml (hand edit)", operation: "hand-edit" },
        summary,
        this.now(),
      ),
    );
    this.log.warn(
      { path: this.cibPath, version: formatVersion(version), previous: formatVersion(row.version), summary },
      `${this.cibPath} was edited by hand while hbx was stopped; took it as version ${formatVersion(version)} (was ${formatVersion(row.version)}): ${summary}`,
    );
  }
}
