import { describe, expect, it } from "vitest";
import type { OptionSpec } from "@hbx/cli";
import { bashCompletion } from "./completion.js";
import { manPage } from "./man-page.js";
import { helpDescriptions, optionDocs } from "./option-docs.js";

const HELP = `tool - does things

Options:
  -x, --xml-file=FILE      Retrieve XML from the named file
  -L, --live-check         Use the current CIB contents
                           (CIB_file when set)
  -V                       Be louder
`;

const TABLE: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all"] },
  { key: "help", short: "h" },
  { key: "xml", short: "x", long: ["xml-file"], arg: "required" },
  { key: "live", short: "L", long: ["live-check"] },
  { key: "verbose", short: "V" },
  { key: "hidden", long: ["hidden"], arg: "optional" },
];

describe("man pages from the option tables", () => {
  it("reads each --help line's sentence, continuation lines included, under every spelling", () => {
    const d = helpDescriptions(HELP);
    expect(d.get("-x")).toBe("Retrieve XML from the named file");
    expect(d.get("--xml-file")).toBe("Retrieve XML from the named file");
    expect(d.get("--live-check")).toBe("Use the current CIB contents (CIB_file when set)");
  });

  it("gives one entry per key with every spelling the parser accepts, and says when --help is silent", () => {
    const docs = optionDocs(TABLE, HELP);
    expect(docs.map((o) => o.names)).toEqual([
      ["-?", "-h", "--help", "--help-all"],
      ["-x", "--xml-file"],
      ["-L", "--live-check"],
      ["-V"],
      ["--hidden"],
    ]);
    expect(docs[0].description).toBe("Show help options and exit");
    expect(docs[1].value).toEqual({ name: "FILE", optional: false });
    expect(docs[4]).toMatchObject({
      value: { optional: true },
      description: "(not described by the tool's --help)",
    });
  });

  it("writes roff with hyphens and backslashes escaped and no line taken for a request", () => {
    const page = manPage({
      command: "tool",
      summary: "does things",
      version: "1.0",
      help: ".starts with a dot\nback\\slash",
      options: optionDocs(TABLE, HELP),
    });
    expect(page).toMatch(/^\.TH TOOL 8 /);
    expect(page).toContain("\\&.starts with a dot");
    expect(page).toContain("back\\eslash");
    expect(page).toContain("\\fB\\-x\\fR, \\fB\\-\\-xml\\-file\\fR\\fI=FILE\\fR");
  });

  it("completes every spelling of the table after a dash but -? and -$ (shell patterns), and the tool's words otherwise", () => {
    const script = bashCompletion("tool", optionDocs(TABLE, HELP), ["start", "stop"]);
    expect(script).toContain('compgen -W "-h --help --help-all -x --xml-file -L --live-check -V --hidden"');
    expect(script).toContain('compgen -W "start stop"');
    expect(script).toContain("complete -o default -F _hbx_tool tool");
  });
});
