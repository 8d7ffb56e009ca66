import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "../corpus.js";
import { elementAt, type ElementLocation, locateElements } from "./locate.js";
import { ATTRIBUTE_FORMS, expectationFor } from "./expectations.js";
import { runXmllint } from "./xmllint-runner.js";

/** One reason a CIB is invalid: where (line and element path) and what was expected. */
export interface CibValidationIssue {
  line: number;
  /** e.g. /cib/configuration/resources/primitive[@id='db']; "" when the document is not well-formed. */
  elementPath: string;
  message: string;
}

export interface CibValidationResult {
  valid: boolean;
  errors: CibValidationIssue[];
}

/** A CIB refused by the schema. The message is one line: source:line: path: what was expected. */
export class CibValidationError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly CibValidationIssue[],
  ) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    const where = first.elementPath ? `${first.elementPath}: ` : "";
    super(`${source}:${first.line}: ${where}${first.message}${more}`);
    this.name = "CibValidationError";
  }
}

/** schemas/cib.rng at the repository root: the one schema users also run with xmllint. */
export const cibSchemaPath = resolve(repoRoot, "schemas/cib.rng");

let schemaText: string | undefined;
/** schemas/cib.rng's text, read once per process: every validation in it uses this text. */
export function cibSchemaText(): string {
  schemaText ??= readFileSync(cibSchemaPath, "utf8");
  return schemaText;
}

const VALIDITY = /^(?:element (\S+): )?Relax-NG validity error : (.*)$/;
const ELEMENT_IN_TEXT = /Element (\S+)/;
const PARSER = /^parser error : (.*)$/;

/** One libxml2 diagnostic line, already attributed to its document. */
interface RawError {
  line: number | undefined;
  message: string;
}

/** The element a line-less message is about: the first of that name lacking its required attributes. */
function guessElement(locations: readonly ElementLocation[], name: string): ElementLocation | undefined {
  const forms = ATTRIBUTE_FORMS[name];
  const same = locations.filter((l) => l.name === name);
  if (forms) {
    const broken = same.find((l) => !forms.some((f) => f.every((a) => l.attributes.includes(a))));
    if (broken) return broken;
  }
  return same[0];
}

function toIssues(raw: readonly RawError[], text: string): CibValidationIssue[] {
  let locations: ElementLocation[] | undefined;
  const issues: (CibValidationIssue & { generic: boolean })[] = [];
  for (const e of raw) {
    const parserError = PARSER.exec(e.message);
    if (parserError) {
      issues.push({
        line: e.line ?? 1,
        elementPath: "",
        message: `not well-formed XML: ${parserError[1]}`,
        generic: false,
      });
      continue;
    }
    const m = VALIDITY.exec(e.message);
    if (!m) continue;
    const what = m[2];
    const element = m[1] ?? ELEMENT_IN_TEXT.exec(what)?.[1];
    locations ??= locateElements(text);
    const loc =
      element === undefined
        ? undefined
        : e.line !== undefined
          ? elementAt(locations, e.line, element)
          : guessElement(locations, element);
    const line = e.line ?? loc?.startLine ?? 1;
    const path = loc?.path ?? (element ? `${element} element` : "");
    const parent = loc ? /\/([^/[]+)(?:\[[^\]]*\])?\/[^/]+$/.exec(loc.path)?.[1] : undefined;
    const expected = element ? expectationFor(what, element, parent) : undefined;
    issues.push({
      line,
      elementPath: path,
      message: expected ? `${what}; expected ${expected}` : what,
      generic: /failed to validate content|Invalid sequence in interleave/.test(what),
    });
  }
  // "Element X failed to validate content" repeats what a more precise error at X or below says.
  const kept = issues.filter(
    (i) =>
      !i.generic || !issues.some((o) => o !== i && !o.generic && o.elementPath.startsWith(i.elementPath)),
  );
  const seen = new Set<string>();
  return kept
    .filter((i) => {
      const key = `${i.line}\0${i.elementPath}\0${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ line, elementPath, message }) => ({ line, elementPath, message }));
}

/**
 * Split xmllint's output by document. Lines carrying "file:line:" belong to that file; lines
 * without a place (libxml2 omits it for some attribute errors) belong to the document whose
 * verdict ("file fails to validate") follows them, as xmllint validates one file at a time.
 */
function splitOutput(
  rawOutput: string,
  names: readonly string[],
): { errors: Map<string, RawError[]>; failed: Set<string> } {
  const errors = new Map<string, RawError[]>(names.map((n) => [n, []]));
  const failed = new Set<string>();
  let pending: RawError[] = [];
  for (const lineText of rawOutput.split("\n")) {
    const verdict = /^(cib-\d+\.xml) (fails to validate|validates)$/.exec(lineText);
    if (verdict) {
      if (verdict[2] !== "validates") failed.add(verdict[1]);
      errors.get(verdict[1])?.push(...pending);
      pending = [];
      continue;
    }
    const placed = /^(cib-\d+\.xml):(\d+): (.*)$/.exec(lineText);
    if (placed) {
      errors.get(placed[1])?.push({ line: Number(placed[2]), message: placed[3] });
      if (/parser error/.test(placed[3])) failed.add(placed[1]);
      continue;
    }
    if (/Relax-NG validity error/.test(lineText)) pending.push({ line: undefined, message: lineText });
  }
  return { errors, failed };
}

export interface CibDocument {
  text: string;
  source: string;
}

/**
 * Validate several CIBs against schemas/cib.rng with real libxml2 (xmllint compiled to
 * WebAssembly) in one run, in the process's one long-lived xmllint worker (xmllint-runner.ts).
 */
export async function validateCibs(docs: readonly CibDocument[]): Promise<CibValidationResult[]> {
  if (docs.length === 0) return [];
  const names = docs.map((_, i) => `cib-${i}.xml`);
  const result = await runXmllint(
    [
      ...docs.map((d, i) => ({ fileName: names[i], contents: d.text })),
      { fileName: "cib.rng", contents: cibSchemaText() },
    ],
    ["--relaxng", "cib.rng", "--noout", ...names],
  );
  // 3 and 4 are xmllint's "does not validate"; anything else is a failure of the run itself.
  if (result.exitCode !== 0 && result.exitCode !== 3 && result.exitCode !== 4) {
    const err = new Error(result.stderr) as Error & { code: number };
    err.code = result.exitCode;
    throw err;
  }
  const allValid = result.exitCode === 0;
  const { errors: byFile, failed } = splitOutput(result.stderr, names);
  return docs.map((d, i) => {
    const errors = toIssues(byFile.get(names[i]) ?? [], d.text);
    const valid = allValid || (!failed.has(names[i]) && errors.length === 0);
    if (!valid && errors.length === 0) {
      errors.push({ line: 1, elementPath: "/cib", message: "does not match schemas/cib.rng" });
    }
    return { valid, errors };
  });
}

/** Validate one CIB against schemas/cib.rng with real libxml2. `source` names it in errors. */
export async function validateCib(text: string, source: string): Promise<CibValidationResult> {
  void source; // errors carry line and path; the source is added by assertValidCib / callers
  const [result] = await validateCibs([{ text, source }]);
  return result;
}

/** Validate, and throw CibValidationError (one line: source:line: path: expected ...) if invalid. */
export async function assertValidCib(text: string, source: string): Promise<void> {
  const result = await validateCib(text, source);
  if (!result.valid) throw new CibValidationError(source, result.errors);
}
