import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { cibFileDigest } from "../digest/cibDigest.js";
import { CibValidationError } from "../schema/validate.js";
import { formatVersion } from "../version/version.js";
import { element, firstChild } from "../xml/node.js";
import { parseXml, XmlSyntaxError } from "../xml/parse.js";
import { StaleUpdateError } from "./errors.js";
import { CibStore } from "./store.js";

function capturingLogger(): { logger: pino.Logger; lines: () => { level: number; msg: string }[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ level: "info" }, sink);
  return {
    logger,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string }),
  };
}

const stateDir = () => mkdtempSync(join(tmpdir(), "hbx-store-"));

function addPrimitive(doc: ReturnType<typeof parseXml>, id: string): void {
  const resources = firstChild(firstChild(doc, "configuration")!, "resources")!;
  resources.children.push(element("primitive", { id, class: "ocf", provider: "heartbeat", type: "Dummy" }));
}

describe("CibStore", () => {
  it("creates an empty CIB at 0.0.0 and writes cib.xml with Pacemaker's signature", async () => {
    const dir = stateDir();
    const store = await CibStore.open(dir, { logger: capturingLogger().logger });
    expect(formatVersion(store.currentVersion())).toBe("0.0.0");
    const text = readFileSync(join(dir, "cib.xml"), "utf8");
    expect(text).not.toContain("<status");
    expect(readFileSync(join(dir, "cib.xml.sig"), "utf8")).toBe(cibFileDigest(parseXml(text)));
    store.close();
  });

  it("rewrites a cib.xml.sig left from the previous version by a kill between the two renames", async () => {
    const dir = stateDir();
    let store = await CibStore.open(dir, { logger: capturingLogger().logger });
    const staleSig = readFileSync(join(dir, "cib.xml.sig"), "utf8");
    store.update((doc) => addPrimitive(doc, "d1"), { client: "test" });
    store.close();
    // The new cib.xml was renamed into place; the kill came before its signature's rename.
    writeFileSync(join(dir, "cib.xml.sig"), staleSig);
    store = await CibStore.open(dir, { logger: capturingLogger().logger });
    const text = readFileSync(join(dir, "cib.xml"), "utf8");
    expect(text).toContain('id="d1"');
    expect(readFileSync(join(dir, "cib.xml.sig"), "utf8")).toBe(cibFileDigest(parseXml(text)));
    store.close();
  });

  it("bumps epoch for a configuration change and num_updates for a status change", async () => {
    const store = await CibStore.open(stateDir(), { logger: capturingLogger().logger });
    const r1 = store.update((doc) => addPrimitive(doc, "db"), { client: "cibadmin", operation: "create" });
    expect(formatVersion(r1.version)).toBe("0.1.0");
    expect(r1.summary).toBe("added primitive 'db'");
    const r2 = store.update(
      (doc) => {
        firstChild(doc, "status")!.children.push(element("node_state", { id: "1", uname: "n1" }));
      },
      { client: "crmd" },
    );
    expect(formatVersion(r2.version)).toBe("0.1.1");
    expect(r2.summary).toBe("changed status");
    const same = store.replace(store.current().document, { client: "cibadmin" });
    expect(same.changed).toBe(false);
    expect(formatVersion(store.currentVersion())).toBe("0.1.1");
    const history = store.history();
    expect(history.map((h) => formatVersion(h.version))).toEqual(["0.1.1", "0.1.0", "0.0.0"]);
    expect(history[1]).toMatchObject({
      client: "cibadmin",
      operation: "create",
      summary: "added primitive 'db'",
    });
    expect(
      firstChild(firstChild(history[1].document(), "configuration")!, "resources")!.children,
    ).toHaveLength(1);
    store.close();
  });

  it("refuses an update based on an older version, naming both, and leaves the CIB unchanged", async () => {
    const store = await CibStore.open(stateDir(), { logger: capturingLogger().logger });
    const { document: stale, version: staleVersion } = store.current();
    store.update((doc) => addPrimitive(doc, "web"), { client: "crm_resource" });
    addPrimitive(stale, "db");
    expect(() => store.replace(stale, { client: "cibadmin", basedOn: staleVersion })).toThrow(
      StaleUpdateError,
    );
    expect(() => store.replace(stale, { client: "cibadmin" })).toThrow(
      /0\.0\.0 refused: the current version 0\.1\.0 is newer/,
    );
    expect(formatVersion(store.currentVersion())).toBe("0.1.0");
    const forced = store.replace(stale, { client: "cibadmin", force: true });
    expect(formatVersion(forced.version)).toBe("0.2.0");
    store.close();
  });

  it("keeps a newer version the document carries (cibadmin -R with a raised epoch)", async () => {
    const store = await CibStore.open(stateDir(), { logger: capturingLogger().logger });
    const doc = store.current().document;
    doc.attrs.epoch = "40";
    addPrimitive(doc, "db");
    expect(formatVersion(store.replace(doc, { client: "cibadmin" }).version)).toBe("0.40.0");
    expect(formatVersion(store.bump({ client: "cibadmin" }).version)).toBe("0.41.0");
    store.close();
  });

  it("stores a copy taken as it is under its own version, even an older one, when asked for exact", async () => {
    const store = await CibStore.open(stateDir(), { logger: capturingLogger().logger });
    const dcCopy = store.current().document;
    addPrimitive(dcCopy, "web");
    dcCopy.attrs.epoch = "3";
    // This node's own counter ran ahead (it wrote while cut off).
    for (const id of ["a", "b", "c", "d"]) store.update((doc) => addPrimitive(doc, id), { client: "crmd" });
    expect(formatVersion(store.currentVersion())).toBe("0.4.0");
    const r = store.replace(dcCopy, { client: "crmd@dc", force: true, exact: true });
    expect(formatVersion(r.version)).toBe("0.3.0");
    expect(formatVersion(store.currentVersion())).toBe("0.3.0");
    store.close();
  });

  it("bounds the history", async () => {
    const store = await CibStore.open(stateDir(), { historyLimit: 5, logger: capturingLogger().logger });
    for (let i = 0; i < 12; i++) store.update((doc) => addPrimitive(doc, `r${i}`), { client: "test" });
    const h = store.history();
    expect(h).toHaveLength(5);
    expect(h.map((e) => e.version.epoch)).toEqual([12, 11, 10, 9, 8]);
    store.close();
  });

  it("takes a valid cib.xml edited while stopped as a new version, with a log line", async () => {
    const dir = stateDir();
    let store = await CibStore.open(dir, { logger: capturingLogger().logger });
    store.update((doc) => addPrimitive(doc, "db"), { client: "cibadmin" });
    store.close();
    const path = join(dir, "cib.xml");
    writeFileSync(path, readFileSync(path, "utf8").replace('type="Dummy"', 'type="Stateful"'));
    const log = capturingLogger();
    store = await CibStore.open(dir, { logger: log.logger });
    expect(formatVersion(store.currentVersion())).toBe("0.2.0");
    expect(store.current().document.attrs).not.toHaveProperty("cib-last-written");
    expect(JSON.stringify(store.current().document)).toContain("Stateful");
    expect(store.history()[0]).toMatchObject({ operation: "hand-edit", summary: "changed primitive 'db'" });
    const line = log.lines().find((l) => l.msg.includes("edited by hand"));
    expect(line?.msg).toContain("took it as version 0.2.0 (was 0.1.0)");
    // and the file now carries the new version and a matching signature
    const text = readFileSync(path, "utf8");
    expect(text).toContain('epoch="2"');
    expect(readFileSync(join(dir, "cib.xml.sig"), "utf8")).toBe(cibFileDigest(parseXml(text)));
    store.close();
  });

  it("refuses to open over an invalid hand edit, naming file:line and the element, and keeps both", async () => {
    const dir = stateDir();
    let store = await CibStore.open(dir, { logger: capturingLogger().logger });
    store.update((doc) => addPrimitive(doc, "db"), { client: "cibadmin" });
    store.close();
    const path = join(dir, "cib.xml");
    const original = readFileSync(path, "utf8");
    const broken = original.replace(' type="Dummy"', "");
    writeFileSync(path, broken);
    const err = await CibStore.open(dir, { logger: capturingLogger().logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CibValidationError);
    const line = broken.split("\n").findIndex((l) => l.includes('<primitive id="db"')) + 1;
    expect((err as Error).message).toContain(
      `${path}:${line}: /cib/configuration/resources/primitive[@id='db']`,
    );
    expect(readFileSync(path, "utf8")).toBe(broken); // the hand edit is not overwritten
    writeFileSync(path, "<cib>\n<configuration>\n</cib>\n");
    await expect(CibStore.open(dir, { logger: capturingLogger().logger })).rejects.toThrow(XmlSyntaxError);
    // Fixed by re-indenting the original: the same content, so no new version.
    writeFileSync(
      path,
      original.replace(/^ +/gm, (s) => s + s),
    );
    store = await CibStore.open(dir, { logger: capturingLogger().logger });
    expect(formatVersion(store.currentVersion())).toBe("0.1.0");
    store.close();
  });

  it("imports an existing cib.xml into a new state directory", async () => {
    const dir = stateDir();
    writeFileSync(
      join(dir, "cib.xml"),
      `<cib admin_epoch="1" epoch="7" num_updates="2"><configuration><crm_config/><nodes/><resources/><constraints/></configuration></cib>`,
    );
    const log = capturingLogger();
    const store = await CibStore.open(dir, { logger: log.logger });
    expect(formatVersion(store.currentVersion())).toBe("1.7.2");
    expect(log.lines().some((l) => l.msg.includes("as the initial CIB"))).toBe(true);
    expect(existsSync(join(dir, "cib.xml.sig"))).toBe(true);
    store.close();
  });

  it("keeps its directory 0750 and every file in it 0600, the SQLite -wal and -shm included", async () => {
    const dir = join(stateDir(), "cib");
    const store = await CibStore.open(dir, { logger: capturingLogger().logger });
    store.update((doc) => addPrimitive(doc, "db"), { client: "cibadmin", operation: "create" });
    const files = readdirSync(dir);
    expect(files).toEqual(
      expect.arrayContaining(["cib.db", "cib.db-wal", "cib.db-shm", "cib.xml", "cib.xml.sig"]),
    );
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    for (const f of files) expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    store.close();
  });

  it("tightens a world-readable store left by an older version when it opens it", async () => {
    const dir = join(stateDir(), "cib");
    mkdirSync(dir);
    (await CibStore.open(dir, { logger: capturingLogger().logger })).close();
    chmodSync(dir, 0o755);
    for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
    const store = await CibStore.open(dir, { logger: capturingLogger().logger });
    store.update((doc) => addPrimitive(doc, "db"), { client: "cibadmin", operation: "create" });
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    for (const f of readdirSync(dir)) expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    store.close();
  });
});
