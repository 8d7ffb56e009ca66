import { describe, expect, it } from "vitest";
import { Args, parseArgs, type OptionSpec } from "./args.js";
import { CliError } from "./exit-codes.js";

const specs: OptionSpec[] = [
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "resource", short: "r", long: ["resource"], arg: "required" },
  { key: "query", short: "x", arg: "optional" },
  { key: "lifetime", long: ["lifetime"], arg: "required" },
];

describe("getopt-style arguments", () => {
  it("counts clustered flags and takes glued or separate values", () => {
    const a = new Args(parseArgs(["-VVV", "-rvip", "--lifetime=PT1H", "rest"], specs, "t"));
    expect(a.count("verbose")).toBe(3);
    expect(a.get("resource")).toBe("vip");
    expect(a.get("lifetime")).toBe("PT1H");
    expect(a.parsed.rest).toEqual(["rest"]);
  });
  it("takes an optional value only when the next word is not an option (Heartbeat's -x -r)", () => {
    expect(new Args(parseArgs(["-x", "-r", "vip"], specs, "t")).get("query")).toBe("");
    expect(new Args(parseArgs(["-x", "file.xml"], specs, "t")).get("query")).toBe("file.xml");
  });
  it("later values win, as with getopt", () => {
    expect(new Args(parseArgs(["-r", "a", "--resource", "b"], specs, "t")).get("resource")).toBe("b");
  });
  it("rejects unknown options and missing values with exit code 64", () => {
    for (const argv of [["-Z"], ["--frob"], ["-r"], ["--verbose=1"]]) {
      try {
        parseArgs(argv, specs, "t");
        expect.unreachable(argv.join(" "));
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        expect((e as CliError).exitCode).toBe(64);
      }
    }
  });
});
