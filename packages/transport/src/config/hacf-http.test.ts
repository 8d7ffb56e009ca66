import { describe, expect, it } from "vitest";
import { HaCfError, isLoopbackAddress, parseHaCf } from "./index.js";

const BASE = "node alpha bravo\nucast lo 127.0.0.2\n";

function refusal(line: string): string {
  try {
    parseHaCf(`${BASE}${line}\n`, "ha.cf");
  } catch (e) {
    expect(e).toBeInstanceOf(HaCfError);
    return (e as Error).message;
  }
  throw new Error(`expected "${line}" to be refused`);
}

describe("ha.cf http and http_auth", () => {
  it("serves no status page unless an http line is written", () => {
    const cf = parseHaCf(BASE, "ha.cf");
    expect(cf.http).toBeUndefined();
    expect(cf.httpAuth).toBeUndefined();
  });

  it("binds a bare port to 127.0.0.1, noting that hbxd chose the address", () => {
    const cf = parseHaCf(`${BASE}http 8080\n`, "ha.cf");
    expect(cf.http).toEqual({ address: "127.0.0.1", port: 8080, addressWritten: false, line: 3 });
  });

  it("takes a written IPv4 or bracketed IPv6 address as written", () => {
    expect(parseHaCf(`${BASE}http 0.0.0.0:80\n`, "ha.cf").http).toMatchObject({
      address: "0.0.0.0",
      port: 80,
      addressWritten: true,
    });
    expect(parseHaCf(`${BASE}http [::1]:8443\n`, "ha.cf").http).toMatchObject({ address: "::1", port: 8443 });
  });

  it("refuses a host name, since a resolver could turn it into a public address", () => {
    expect(refusal("http localhost:8080")).toBe(
      'ha.cf:3: http: expected PORT, ADDRESS:PORT or [IPv6]:PORT with a literal IP address, found "localhost:8080" ("localhost" is not a literal IP address)',
    );
  });

  it("refuses an unbracketed IPv6 address, a bad port and a missing value, naming the line", () => {
    expect(refusal("http ::1:8080")).toMatch(/^ha\.cf:3: http: .*an IPv6 address goes in brackets/);
    expect(refusal("http 127.0.0.1:0")).toBe(
      'ha.cf:3: http: expected a port (1-65535) in PORT, ADDRESS:PORT or [IPv6]:PORT with a literal IP address, found "0"',
    );
    expect(refusal("http 70000")).toMatch(/found "70000"/);
    expect(refusal("http")).toBe("ha.cf:3: http: expected PORT or ADDRESS:PORT, found nothing");
    expect(refusal("http [127.0.0.1]:80")).toMatch(/"127\.0\.0\.1" is not an IPv6 address/);
  });

  it("takes http_auth only as a full path", () => {
    expect(parseHaCf(`${BASE}http_auth /etc/ha.d/http.passwd\n`, "ha.cf").httpAuth).toEqual({
      file: "/etc/ha.d/http.passwd",
      line: 3,
    });
    expect(refusal("http_auth http.passwd")).toBe(
      'ha.cf:3: http_auth: expected a full path name, found "http.passwd"',
    );
  });

  it("knows which addresses are loopback", () => {
    expect(["127.0.0.1", "127.0.0.3", "::1"].every(isLoopbackAddress)).toBe(true);
    expect(["0.0.0.0", "10.0.0.1", "::"].some(isLoopbackAddress)).toBe(false);
  });
});
