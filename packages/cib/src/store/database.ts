import { chmodSync, closeSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { type CibVersion } from "../version/version.js";

/**
 * The SQLite side of the store: one row for the current CIB, a bounded table of versions.
 * Every statement that changes the CIB runs inside one IMMEDIATE transaction opened by the
 * caller, so a crash leaves either the old or the new version (WAL + synchronous=FULL).
 */

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cib_current (
  singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
  admin_epoch   INTEGER NOT NULL,
  epoch         INTEGER NOT NULL,
  num_updates   INTEGER NOT NULL,
  xml           TEXT    NOT NULL,
  -- the exact cib.xml text for this version, and the hashes of it and of the previous one:
  -- a cib.xml matching either was written by the store (the second after a crash between
  -- the commit and the file's rename); anything else was edited by hand.
  file_text     TEXT    NOT NULL,
  file_sha      TEXT    NOT NULL,
  prev_file_sha TEXT
);
CREATE TABLE IF NOT EXISTS cib_history (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  admin_epoch INTEGER NOT NULL,
  epoch       INTEGER NOT NULL,
  num_updates INTEGER NOT NULL,
  xml         TEXT    NOT NULL,
  client      TEXT    NOT NULL,
  operation   TEXT    NOT NULL,
  summary     TEXT    NOT NULL,
  at          TEXT    NOT NULL
);
`;

export interface CurrentRow {
  version: CibVersion;
  xml: string;
  fileText: string;
  fileSha: string;
  prevFileSha: string | null;
}

export interface HistoryRow {
  seq: number;
  version: CibVersion;
  xml: string;
  client: string;
  operation: string;
  summary: string;
  at: string;
}

interface RawCurrent {
  admin_epoch: number;
  epoch: number;
  num_updates: number;
  xml: string;
  file_text: string;
  file_sha: string;
  prev_file_sha: string | null;
}

interface RawHistory {
  seq: number;
  admin_epoch: number;
  epoch: number;
  num_updates: number;
  xml: string;
  client: string;
  operation: string;
  summary: string;
  at: string;
}

/** The CIB (agent passwords included) and its history: for the daemon's user only. */
const DB_FILE_MODE = 0o600;

/**
 * Set the database and its -wal/-shm to 0600 (those SQLite creates lazily, with the database
 * file's mode; one made by an older hbx may be looser). A missing one is fine.
 */
export function closeDatabaseFiles(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(f, DB_FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

export class CibDatabase {
  readonly db: Database.Database;
  private filesClosed = false;

  constructor(private readonly path: string) {
    // Loaded on first open, not imported: tools that only read CIBs never load the native module.
    const Sqlite = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
    // Created 0600 before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
    closeSync(openSync(path, "a", DB_FILE_MODE));
    closeDatabaseFiles(path);
    this.db = new Sqlite(path);
    this.db.pragma("journal_mode = WAL");
    // FULL: a commit is on disk before replace() returns; nothing acknowledged is lost.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(DDL);
    const row = this.db.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").get() as
      { value: string } | undefined;
    if (row === undefined) {
      this.db
        .prepare("INSERT INTO store_meta (key, value) VALUES ('schema_version', ?)")
        .run(String(SCHEMA_VERSION));
    } else if (Number(row.value) > SCHEMA_VERSION) {
      throw new Error(
        `store schema version ${row.value} is newer than this hbx understands (${SCHEMA_VERSION})`,
      );
    }
  }

  /** Run `fn` in one IMMEDIATE transaction (the write lock is taken before reading). */
  transaction<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    if (!this.filesClosed) {
      // The first write is when a -wal that did not exist yet appears: check its mode once.
      closeDatabaseFiles(this.path);
      this.filesClosed = true;
    }
    return result;
  }

  /** Changes whenever another connection commits: lets a reader keep a parsed copy. */
  dataVersion(): number {
    return this.db.pragma("data_version", { simple: true }) as number;
  }

  readCurrent(): CurrentRow | undefined {
    const r = this.db.prepare("SELECT * FROM cib_current WHERE singleton = 1").get() as
      RawCurrent | undefined;
    if (r === undefined) return undefined;
    return {
      version: { adminEpoch: r.admin_epoch, epoch: r.epoch, numUpdates: r.num_updates },
      xml: r.xml,
      fileText: r.file_text,
      fileSha: r.file_sha,
      prevFileSha: r.prev_file_sha,
    };
  }

  writeCurrent(row: CurrentRow): void {
    this.db
      .prepare(
        `INSERT INTO cib_current (singleton, admin_epoch, epoch, num_updates, xml, file_text, file_sha, prev_file_sha)
         VALUES (1, @admin_epoch, @epoch, @num_updates, @xml, @file_text, @file_sha, @prev_file_sha)
         ON CONFLICT (singleton) DO UPDATE SET admin_epoch = excluded.admin_epoch, epoch = excluded.epoch,
           num_updates = excluded.num_updates, xml = excluded.xml, file_text = excluded.file_text,
           file_sha = excluded.file_sha, prev_file_sha = excluded.prev_file_sha`,
      )
      .run({
        admin_epoch: row.version.adminEpoch,
        epoch: row.version.epoch,
        num_updates: row.version.numUpdates,
        xml: row.xml,
        file_text: row.fileText,
        file_sha: row.fileSha,
        prev_file_sha: row.prevFileSha,
      });
  }

  appendHistory(entry: Omit<HistoryRow, "seq">, limit: number): void {
    this.db
      .prepare(
        `INSERT INTO cib_history (admin_epoch, epoch, num_updates, xml, client, operation, summary, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.version.adminEpoch,
        entry.version.epoch,
        entry.version.numUpdates,
        entry.xml,
        entry.client,
        entry.operation,
        entry.summary,
        entry.at,
      );
    this.db.prepare("DELETE FROM cib_history WHERE seq <= (SELECT MAX(seq) FROM cib_history) - ?").run(limit);
  }

  /** Newest first. */
  readHistory(limit: number): HistoryRow[] {
    const rows = this.db
      .prepare("SELECT * FROM cib_history ORDER BY seq DESC LIMIT ?")
      .all(limit) as RawHistory[];
    return rows.map((r) => ({
      seq: r.seq,
      version: { adminEpoch: r.admin_epoch, epoch: r.epoch, numUpdates: r.num_updates },
      xml: r.xml,
      client: r.client,
      operation: r.operation,
      summary: r.summary,
      at: r.at,
    }));
  }

  close(): void {
    this.db.close();
  }
}
