import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HaCfError, loadAuthkeys, parseAuthkeys } from "./index.js";

describe("parseAuthkeys", () => {
  it("reads the signing index and every key", () => {
    const a = parseAuthkeys("# keys\nauth 2\n1 crc\n2 sha1 s3cr#t\n3 md5 other  # old key\n", "authkeys");
    expect(a.activeIndex).toBe(2);
    expect([...a.keys.entries()]).toEqual([
      [1, { method: "crc", key: "", line: 3 }],
      [2, { method: "sha1", key: "s3cr#t", line: 4 }],
      [3, { method: "md5", key: "other", line: 5 }],
    ]);
  });

  it.each([
    ["auth 1\n1 sha1 k\n", 0o640, /authkeys: bad permissions on keyfile: expected mode 600 .* found 640/],
    ["auth 1\n1 sha1 k\n", 0o604, /found 604/],
  ])("refuses a keyfile readable by group or others", (text, mode, message) => {
    expect(() => parseAuthkeys(text, "authkeys", mode)).toThrow(message);
    expect(() => parseAuthkeys(text, "authkeys", 0o600)).not.toThrow();
  });

  it.each([
    ["1 sha1 k\n", 0, /missing auth directive/],
    ["auth 2\n1 sha1 k\n", 1, /auth 2: expected a key with index 2, found none/],
    ["auth x\n", 1, /auth: expected a key index \(auth N\), found "x"/],
    ["auth 1\nauth 1\n1 crc", 2, /auth: expected one auth line, found a second \(first on line 1\)/],
    ["auth 1\n1 sha1 a\n1 md5 b\n", 3, /expected each key index once, found key 1 again \(first on line 2\)/],
    ["auth 1\n1 rot13 k\n", 2, /expected an auth method \(crc, md5 or sha1\), found "rot13"/],
    ["auth 1\n1 sha1\n", 2, /sha1: expected a key, found nothing/],
    ["auth 1\n1 crc key\n", 2, /expected end of line, found "key"/],
    ["auth 1\n1 md5 a b\n", 2, /expected end of line, found "b"/],
    ["auth 16\n16 crc\n", 2, /expected a key index 0-15, found 16/],
    ["auth 1\nkey sha1 k\n", 2, /expected "auth N" or "N METHOD \[KEY\]", found "key"/],
  ])("rejects %j at line %d", (text, line, message) => {
    try {
      parseAuthkeys(text, "authkeys");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HaCfError);
      expect((e as HaCfError).line).toBe(line);
      expect((e as HaCfError).message).toMatch(line > 0 ? `authkeys:${line}: ` : "authkeys: ");
      expect((e as HaCfError).message).toMatch(message);
    }
  });
});

describe("loadAuthkeys", () => {
  it("checks the mode of the real file, as Heartbeat does", () => {
    const dir = mkdtempSync(join(tmpdir(), "authkeys-"));
    const path = join(dir, "authkeys");
    writeFileSync(path, "auth 1\n1 sha1 secret\n");
    chmodSync(path, 0o644);
    expect(() => loadAuthkeys(path)).toThrow(/bad permissions on keyfile.*found 644/);
    chmodSync(path, 0o600);
    expect(loadAuthkeys(path).keys.get(1)).toEqual({ method: "sha1", key: "secret", line: 2 });
    expect(() => loadAuthkeys(join(dir, "nope"))).toThrow(/cannot open keyfile/);
  });
});
