import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { CibStore, formatVersion, repoRoot } from "@hbx/cib";
import { loadInitialCib } from "./initial-cib.js";

const VALID = `<cib admin_epoch="0" epoch="3" num_updates="0" validate-with="pacemaker-3.0">
  <configuration><crm_config/><nodes/><resources>
    <primitive id="mysql" class="ocf" provider="heartbeat" type="Dummy"/>
  </resources><constraints/></configuration><status/></cib>`;

describe("loading <ha-dir>/cib.xml at start", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "hbx-initial-cib-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });

  it("takes a valid, newer file", async () => {
    const d = tmp();
    const store = await CibStore.open(join(d, "cib"));
    writeFileSync(join(d, "cib.xml"), VALID);
    await loadInitialCib(store, join(d, "cib.xml"), log);
    expect(formatVersion(store.currentVersion())).toBe("0.3.0");
    store.close();
  });

  it("refuses a schema-invalid file and keeps the stored version, naming the file and the line", async () => {
    const d = tmp();
    const store = await CibStore.open(join(d, "cib"));
    writeFileSync(join(d, "cib.xml"), VALID);
    await loadInitialCib(store, join(d, "cib.xml"), log);
    const before = store.current().document;
    writeFileSync(
      join(d, "cib.xml"),
      VALID.replace('epoch="3"', 'epoch="9"').replaceAll("primitive", "primitve"),
    );
    lines.length = 0;
    await loadInitialCib(store, join(d, "cib.xml"), log);
    expect(formatVersion(store.currentVersion())).toBe("0.3.0");
    expect(store.current().document).toEqual(before);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(
      logged.some((l) => l.level >= 50 && l.msg.includes("cib.xml") && l.msg.includes("not loaded")),
    ).toBe(true);
    store.close();
  });

  it("refuses to start on an invalid file when nothing is stored yet", async () => {
    const d = tmp();
    const store = await CibStore.open(join(d, "cib"));
    writeFileSync(join(d, "cib.xml"), VALID.replace("<resources>", "<resources><bogus/>"));
    await expect(loadInitialCib(store, join(d, "cib.xml"), log)).rejects.toThrow(
      /cib\.xml is not a valid CIB.*bogus/,
    );
    expect(formatVersion(store.currentVersion())).toBe("0.0.0");
    store.close();
  });

  it("takes the Heartbeat v2 example the project ships (the <attributes> form)", async () => {
    const d = tmp();
    const store = await CibStore.open(join(d, "cib"));
    const file = join(d, "cib.xml");
    writeFileSync(file, readFileSync(join(repoRoot, "examples/mysql-scoring/cib.xml"), "utf8"));
    await loadInitialCib(store, file, log);
    expect(formatVersion(store.currentVersion())).not.toBe("0.0.0");
    store.close();
  });
});
