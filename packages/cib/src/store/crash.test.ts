import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../corpus.js";
import { cibFileDigest } from "../digest/cibDigest.js";
import { validateCib } from "../schema/validate.js";
import { readVersion } from "../version/version.js";
import { type XmlElement, walkElements } from "../xml/node.js";
import { parseXml } from "../xml/parse.js";
import { serializeXml } from "../xml/serialize.js";
import { CibStore } from "./store.js";

/**
 * Kill -9 a real node process in the middle of 1,000 replaces, several times, and check that
 * every reopen finds one complete, valid version whose number, content and history agree.
 * The child runs this package's own code, transpiled from src/ (the store's import closure)
 * into a scratch directory beside the repository's node_modules.
 */

const TOTAL = 1000;
const PRIMITIVES = 40;
const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let buildDir = "";

function transpileClosure(entry: string, outRoot: string): void {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g))
      queue.push(resolve(dirname(file), `${m[1]}.ts`));
    const out = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: file,
    });
    const target = join(outRoot, relative(srcDir, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
}

const CHILD = `
import { CibStore } from "./src/store/index.js";
import { walkElements } from "./src/xml/node.js";
const [dir, total] = [process.argv[2], Number(process.argv[3])];
const store = await CibStore.open(dir);
process.stdout.write("open\\n");
for (;;) {
  const { document, version } = store.current();
  let counter = 0;
  for (const el of walkElements(document)) if (el.name === "nvpair" && el.attrs.name === "counter") counter = Number(el.attrs.value);
  if (counter >= total) break;
  const next = String(counter + 1);
  for (const el of walkElements(document)) if (el.name === "nvpair" && (el.attrs.name === "counter" || el.attrs.name === "generation")) el.attrs.value = next;
  store.replace(document, { client: "crash-child", operation: "replace", basedOn: version });
  process.stdout.write(next + "\\n");
}
store.close();
process.stdout.write("done\\n");
`;

function initialCib(): string {
  const prims = Array.from(
    { length: PRIMITIVES },
    (_, i) =>
      `<primitive id="r${i}" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="r${i}-ia">` +
      `<nvpair id="r${i}-gen" name="generation" value="0"/><nvpair id="r${i}-pad" name="state" value="/var/run/r${i}.state"/>` +
      `</instance_attributes><operations><op id="r${i}-mon" name="monitor" interval="10s"/></operations></primitive>`,
  ).join("");
  return (
    `<cib admin_epoch="0" epoch="0" num_updates="0" validate-with="pacemaker-3.0"><configuration><crm_config>` +
    `<cluster_property_set id="opts"><nvpair id="opts-counter" name="counter" value="0"/></cluster_property_set></crm_config>` +
    `<nodes/><resources>${prims}</resources><constraints/></configuration><status/></cib>`
  );
}

/** The counter a document carries, checking every primitive carries the same generation. */
function counterOf(doc: XmlElement): number {
  const values = new Set<string>();
  let counter = -1;
  let generations = 0;
  for (const el of walkElements(doc)) {
    if (el.name !== "nvpair") continue;
    if (el.attrs.name === "counter") counter = Number(el.attrs.value);
    if (el.attrs.name === "generation") {
      values.add(el.attrs.value);
      generations++;
    }
  }
  expect(generations).toBe(PRIMITIVES);
  expect([...values]).toEqual([String(counter)]);
  return counter;
}

function runChild(dir: string): {
  child: ChildProcess;
  opened: Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [join(buildDir, "child.mjs"), dir, String(TOTAL)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, HBX_LOG_LEVEL: "silent" },
  });
  let out = "";
  let progress = 0;
  const waiters: { n: number; ok: () => void }[] = [];
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    const lines = out.split("\n");
    out = lines.pop()!;
    for (const l of lines) if (/^\d+$/.test(l)) progress = Number(l);
    for (const w of waiters.filter((w) => progress >= w.n)) w.ok();
  });
  const opened = new Promise<void>((ok, fail) => {
    child.stdout!.once("data", () => ok());
    child.on("exit", () => fail(new Error("child exited before opening")));
  });
  const reached = (n: number) => new Promise<void>((ok) => waiters.push({ n, ok }));
  const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
  return { child, opened, reached, exited };
}

const silent = pino({ level: "silent" });

async function checkStore(dir: string): Promise<number> {
  // Before reopening: cib.xml is whole (renamed into place), whatever version it holds.
  parseXml(readFileSync(join(dir, "cib.xml"), "utf8"), "cib.xml after kill");
  const warnings: string[] = [];
  const logger = pino({ level: "info" }, { write: (l: string) => warnings.push(l) });
  const store = await CibStore.open(dir, { logger });
  try {
    expect(warnings.filter((w) => w.includes("edited by hand"))).toEqual([]);
    const { document, version } = store.current();
    expect(readVersion(document)).toEqual(version);
    const counter = counterOf(document);
    expect(version.epoch).toBe(counter + 1); // epoch 1 was the seeding replace
    const history = store.history();
    expect(history.length).toBeLessThanOrEqual(100);
    expect(history[0].version).toEqual(version);
    history.forEach((h, i) => {
      expect(h.version.epoch).toBe(version.epoch - i);
      if (h.version.epoch > 0) expect(counterOf(h.document())).toBe(h.version.epoch - 1); // 0: the empty CIB
    });
    const validation = await validateCib(serializeXml(document), "current");
    expect(validation.errors).toEqual([]);
    const fileText = readFileSync(join(dir, "cib.xml"), "utf8");
    expect(counterOf(parseXml(fileText))).toBe(counter);
    expect(readFileSync(join(dir, "cib.xml.sig"), "utf8")).toBe(cibFileDigest(parseXml(fileText)));
    return counter;
  } finally {
    store.close();
  }
}

describe("CibStore under kill -9", () => {
  beforeAll(() => {
    const scratch = join(repoRoot, ".tmp");
    mkdirSync(scratch, { recursive: true });
    buildDir = mkdtempSync(join(scratch, "cib-crash-"));
    transpileClosure(join(srcDir, "store/index.ts"), join(buildDir, "src"));
    transpileClosure(join(srcDir, "xml/node.ts"), join(buildDir, "src"));
    writeFileSync(join(buildDir, "package.json"), `{"type":"module"}`);
    symlinkSync(resolve(srcDir, "../node_modules"), join(buildDir, "node_modules"));
    writeFileSync(join(buildDir, "child.mjs"), CHILD);
  });
  afterAll(() => {
    if (buildDir && existsSync(buildDir)) rmSync(buildDir, { recursive: true, force: true });
  });

  it("always reopens on one complete version, across kills in the middle of 1,000 replaces", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-crash-"));
    const seed = await CibStore.open(dir, { logger: silent });
    seed.replace(parseXml(initialCib()), { client: "test", operation: "seed" });
    seed.close();

    const counters: number[] = [];
    // Kill once the child passes each target, after a few more milliseconds so the signal
    // lands anywhere inside a replace (SQLite commit, temp file, rename, directory sync).
    const targets = [120, 340, 560, 780, 930];
    for (const [i, target] of targets.entries()) {
      const { child, opened, reached, exited } = runChild(dir);
      await opened;
      await reached(target);
      await new Promise((r) => setTimeout(r, (i * 7) % 13));
      child.kill("SIGKILL");
      expect(await exited).toBeNull(); // killed, not finished
      counters.push(await checkStore(dir));
    }
    process.stdout.write(`counter after each kill: ${counters.join(", ")}\n`);
    // Each kill landed mid-way and progress is never lost.
    targets.forEach((t, i) => {
      expect(counters[i]).toBeGreaterThanOrEqual(t); // nothing acknowledged was lost
      expect(counters[i]).toBeLessThan(TOTAL); // the kill landed mid-way
    });

    const last = runChild(dir);
    await last.opened;
    expect(await last.exited).toBe(0);
    expect(await checkStore(dir)).toBe(TOTAL);
  }, 240_000);
});
