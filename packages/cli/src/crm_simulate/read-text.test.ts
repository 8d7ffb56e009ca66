import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readText } from "./read-text.js";

describe("readText", () => {
  const dir = mkdtempSync(join(tmpdir(), "hbx-read-text-"));
  it.each([
    ["plain ASCII", '<cib epoch="1"><status/></cib>\n'],
    ["UTF-8 beyond ASCII", '<cib><!-- Köln — 東京 --><nvpair value="naïve"/></cib>'],
    ["bytes that are not valid UTF-8", Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e])],
  ])("reads %s exactly as a UTF-8 read does", (_, content) => {
    const path = join(dir, "cib.xml");
    writeFileSync(path, content);
    expect(readText(path)).toBe(readFileSync(path, "utf8"));
  });
});
