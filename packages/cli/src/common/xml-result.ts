import { escapeAttr, escapeText } from "@hbx/cib";
import { CrmExit, crmExitText } from "./exit-codes.js";
import { type CliIo } from "./io.js";

type Runner = (argv: string[], io: CliIo) => Promise<number>;

/** Whether argv asks for `--output-as=xml` (or `--output-as xml`). */
export function wantsXml(argv: string[]): boolean {
  return argv.some((a, i) => a === "--output-as=xml" || (a === "--output-as" && argv[i + 1] === "xml"));
}

/**
 * Pacemaker's `<pacemaker-result>` envelope: the tool runs again with `--output-as=xml-inner`
 * (it prints only the body elements), and its exit code becomes the `<status>`, with whatever it
 * wrote to stderr as the error text.
 */
export async function runInXmlEnvelope(
  tool: string,
  argv: string[],
  io: CliIo,
  run: Runner,
): Promise<number> {
  let out = "";
  let err = "";
  const inner: CliIo = { ...io, stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
  const rest = argv.filter(
    (a, i) => a !== "--output-as=xml" && !(a === "--output-as" || argv[i - 1] === "--output-as"),
  );
  const code = await run(["--output-as=xml-inner", ...rest], inner);
  const head = `<pacemaker-result api-version="2.25" request="${escapeAttr([tool, ...argv].join(" "))}">\n`;
  if (code === CrmExit.OK) {
    io.stdout(`${head}${out}  <status code="0" message="OK"/>\n</pacemaker-result>\n`);
  } else {
    const message = escapeText(crmExitText[code] ?? "Error occurred");
    io.stdout(
      `${head}  <status code="${code}" message="${message}">\n    <errors>\n      <error>${escapeText(err.trimEnd())}</error>\n    </errors>\n  </status>\n</pacemaker-result>\n`,
    );
  }
  return code;
}
