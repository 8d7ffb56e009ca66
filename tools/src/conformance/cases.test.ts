import { describe, expect, it } from "vitest";
import { CasesTsvError, parseCaseArgs, parseCasesTsv, splitShellWords } from "./cases.js";

describe("splitShellWords", () => {
  it("splits on blanks and honours single quotes, double quotes and backslashes", () => {
    expect(splitShellWords(`-t '2014-05-07 00:28:00'  -x "a b\\"c" d\\ e`)).toEqual([
      "-t",
      "2014-05-07 00:28:00",
      "-x",
      'a b"c',
      "d e",
    ]);
  });

  it("keeps an empty quoted word", () => {
    expect(splitShellWords(`-a ''`)).toEqual(["-a", ""]);
  });

  it("rejects an unterminated quote", () => {
    expect(() => splitShellWords(`-t '2014`)).toThrow(/unterminated ' quote/);
  });
});

describe("parseCaseArgs", () => {
  it("joins an unquoted date-time back into the single value crm_simulate's -t takes", () => {
    expect(parseCaseArgs("-t 2014-05-07 00:28:00")).toEqual(["-t", "2014-05-07 00:28:00"]);
  });

  it("leaves a quoted value and following options alone", () => {
    expect(parseCaseArgs(`--set-datetime '2005-020T12:30' -s`)).toEqual([
      "--set-datetime",
      "2005-020T12:30",
      "-s",
    ]);
  });

  it("is empty for an empty cell", () => {
    expect(parseCaseArgs("")).toEqual([]);
  });
});

describe("parseCasesTsv", () => {
  const tsv = [
    "case\ttier\targs\tdescription",
    "date-2\t3\t-t 2005-020T12:30\tDate Spec - Pass",
    "Makefil\t1\t\t",
    "origin\t1\t-t 2014-05-07 00:28:00\tTiming of recurring operations",
    "",
  ].join("\n");

  it("reads tier, args and description and drops rows without an input file", () => {
    const cases = parseCasesTsv(tsv, "cases.tsv", (name) => name !== "Makefil");
    expect(cases).toEqual([
      { name: "date-2", tier: 3, args: ["-t", "2005-020T12:30"], description: "Date Spec - Pass" },
      {
        name: "origin",
        tier: 1,
        args: ["-t", "2014-05-07 00:28:00"],
        description: "Timing of recurring operations",
      },
    ]);
  });

  it("names the file and line of a row without a tier", () => {
    expect(() => parseCasesTsv("case\ttier\targs\tdescription\nfoo\tx\t\t\n", "c.tsv")).toThrow(
      new CasesTsvError("c.tsv", 2, 'case foo: expected a tier number, found "x"'),
    );
  });

  it("refuses a case listed twice", () => {
    expect(() => parseCasesTsv("a\t1\t\t\na\t2\t\t\n", "c.tsv")).toThrow(/c.tsv:2: case a is listed twice/);
  });
});
