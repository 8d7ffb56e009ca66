import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "./corpus.js";
import { parseXml } from "./xml/parse.js";
import { serializeXml } from "./xml/serialize.js";

const corpus = schedulerCorpusDir();
const files = corpus
  ? readdirSync(join(corpus, "xml"))
      .filter((f) => f.endsWith(".xml"))
      .sort()
  : [];

describe.skipIf(!corpus)("the scheduler corpus survives parse → serialize → parse", () => {
  it("walks a corpus of several hundred inputs", () => {
    expect(files.length).toBeGreaterThan(600);
  });

  it("gives the same tree and a stable serialization for every input", () => {
    const failures: string[] = [];
    for (const f of files) {
      const path = join(corpus!, "xml", f);
      const first = parseXml(readFileSync(path, "utf8"), path);
      const text = serializeXml(first, { declaration: true });
      const second = parseXml(text, `${path} (re-serialized)`);
      try {
        expect(second).toEqual(first);
        expect(serializeXml(second, { declaration: true })).toBe(text);
        expect(serializeXml(second, { pretty: false })).toBe(serializeXml(first, { pretty: false }));
      } catch {
        failures.push(f);
      }
    }
    expect(failures).toEqual([]);
  });
});
