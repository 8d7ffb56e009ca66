/**
 * The corpus index: cases.tsv (columns case, tier, args, description) as Pacemaker's
 * cts-scheduler listed its tests, with the extra crm_simulate arguments of each case.
 */

/** One scheduler regression case. */
export interface CorpusCase {
  readonly name: string;
  readonly tier: number;
  /** Extra crm_simulate arguments, already split into argv words. */
  readonly args: readonly string[];
  readonly description: string;
}

/** A row of cases.tsv that could not be read, with its place. */
export class CasesTsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = "CasesTsvError";
  }
}

/** Options of crm_simulate that take a value: a stray word after one belongs to that value. */
const VALUE_OPTIONS = new Set([
  "-t",
  "--set-datetime",
  "-x",
  "--xml-file",
  "-D",
  "--save-dotfile",
  "-G",
  "--save-graph",
  "-I",
  "--save-input",
  "-O",
  "--save-output",
  "-o",
  "--op-inject",
  "-i",
  "--op-fail",
  "-u",
  "--node-up",
  "-d",
  "--node-down",
  "-f",
  "--node-fail",
  "-F",
  "--ticket-grant",
  "-r",
  "--ticket-revoke",
  "-b",
  "--ticket-standby",
  "-e",
  "--ticket-activate",
  "-w",
  "--watchdog",
  "-q",
  "--quorum",
  "-P",
  "--profile",
  "-N",
  "--repeat",
]);

/**
 * Splits an argument string into words the way a POSIX shell does for plain words, single and
 * double quotes and backslash escapes (no expansion: the corpus has none).
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote} quote in "${text}"`);
  if (inWord) words.push(word);
  return words;
}

/**
 * The argv crm_simulate receives for an args cell. crm_simulate takes no positional arguments,
 * so a word that follows an option's value and is not itself an option continues that value:
 * cases.tsv writes `-t 2014-05-07 00:28:00` unquoted for the single value "2014-05-07 00:28:00"
 * (cts-scheduler held it as a list and the export joined it with a space).
 */
export function parseCaseArgs(text: string): string[] {
  const argv: string[] = [];
  let valueIndex = -1;
  let expectValue = false;
  for (const word of splitShellWords(text)) {
    const isOption = word.startsWith("-") && word.length > 1 && !/^-\d/.test(word);
    if (expectValue) {
      argv.push(word);
      valueIndex = argv.length - 1;
      expectValue = false;
    } else if (isOption) {
      argv.push(word);
      valueIndex = -1;
      expectValue = VALUE_OPTIONS.has(word);
    } else if (valueIndex >= 0) {
      argv[valueIndex] += ` ${word}`;
    } else {
      argv.push(word);
    }
  }
  return argv;
}

/**
 * Reads cases.tsv. The header row is recognised by its first cell; rows whose case name has no
 * input file (a leftover like "Makefil") are dropped by `hasInput`, so the index may list junk.
 */
export function parseCasesTsv(
  text: string,
  file: string,
  hasInput: (name: string) => boolean = () => true,
): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === "") return;
    const cells = line.split("\t");
    const name = cells[0].trim();
    if (lineNo === 1 && name === "case") return;
    if (!hasInput(name)) return;
    const tierText = (cells[1] ?? "").trim();
    const tier = Number(tierText);
    if (!/^\d+$/.test(tierText)) {
      throw new CasesTsvError(file, lineNo, `case ${name}: expected a tier number, found "${tierText}"`);
    }
    if (seen.has(name)) throw new CasesTsvError(file, lineNo, `case ${name} is listed twice`);
    seen.add(name);
    let args: string[];
    try {
      args = parseCaseArgs(cells[2] ?? "");
    } catch (err) {
      throw new CasesTsvError(file, lineNo, `case ${name}: ${(err as Error).message}`);
    }
    cases.push({ name, tier, args, description: (cells[3] ?? "").trim() });
  });
  return cases;
}
