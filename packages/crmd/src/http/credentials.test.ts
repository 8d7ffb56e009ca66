import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { authenticate, loadCredentials, parseCredentials } from "./credentials.js";

const dir = mkdtempSync(join(tmpdir(), "hbx-http-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;

describe("status page credentials", () => {
  const creds = parseCredentials("# admins\nroot:s3cret:with:colons\nops:pw\n", "http.passwd");

  it("proves a user only with that user's password", () => {
    expect(authenticate(basic("root:s3cret:with:colons"), creds)).toBe("root");
    expect(authenticate(basic("ops:pw"), creds)).toBe("ops");
    expect(authenticate(basic("ops:s3cret:with:colons"), creds)).toBeUndefined();
    expect(authenticate(basic("nobody:pw"), creds)).toBeUndefined();
  });

  it("proves nobody with a missing, empty or malformed Authorization header", () => {
    expect(authenticate(undefined, creds)).toBeUndefined();
    expect(authenticate("", creds)).toBeUndefined();
    expect(authenticate("Bearer abc", creds)).toBeUndefined();
    expect(authenticate(basic("ops"), creds)).toBeUndefined();
    expect(authenticate(basic(":pw"), creds)).toBeUndefined();
  });

  it("refuses a file readable by group or others, as Heartbeat refuses such an authkeys", () => {
    const f = join(dir, "open.passwd");
    writeFileSync(f, "root:pw\n");
    chmodSync(f, 0o644);
    expect(() => loadCredentials(f)).toThrow(
      `${f}: bad permissions on http_auth file: expected mode 600, found 644`,
    );
    chmodSync(f, 0o600);
    expect(loadCredentials(f).users.has("root")).toBe(true);
  });

  it("names the line of a malformed entry, a duplicate user, and an empty file", () => {
    expect(() => parseCredentials("root:pw\njustaname\n", "p")).toThrow(
      'p:2: expected user:password, found "justaname"',
    );
    expect(() => parseCredentials("root:\n", "p")).toThrow('p:1: expected user:password, found "root:"');
    expect(() => parseCredentials("a:1\na:2\n", "p")).toThrow('p:2: user "a" is listed twice');
    expect(() => parseCredentials("# nothing\n", "p")).toThrow(
      "p: expected at least one user:password line, found none",
    );
    expect(() => loadCredentials(join(dir, "missing"))).toThrow(/cannot open http_auth file/);
  });
});
