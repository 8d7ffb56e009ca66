import {
  type CibVersion,
  type XmlElement,
  bumpEpoch,
  bumpNumUpdates,
  firstChild,
  readVersion,
  sameElement,
  serializeXml,
} from "@hbx/cib";
import { type CibSource } from "./cib-source.js";
import { checkCib, schemaProblems, valueProblems } from "./checks.js";
import { changeSummary } from "./diff.js";
import { CliError, CrmExit } from "./exit-codes.js";
import { type CliIo } from "./io.js";

export interface CommitOptions {
  io: CliIo;
  /** -V count: from 1 on, print one line per changed element on stderr. */
  verbose: number;
  /** Force an epoch bump even with no configuration change (cibadmin -B). */
  bump?: boolean;
  /** The version check is against this instead of `before`'s version (cibadmin -R keeps the file's). */
  basedOn?: XmlElement;
  /** A whole replacement (cibadmin -R of a <cib>) with its version, and --force; see CibWriteOptions. */
  replace?: CibVersion;
  force?: boolean;
}

const sameSection = (a: XmlElement, b: XmlElement, name: string): boolean =>
  sameElement(firstChild(a, name), firstChild(b, name));

/**
 * Validate and store a changed CIB, bumping its version as Pacemaker does: a configuration
 * change raises epoch and zeroes num_updates; a status-only change raises num_updates; no
 * change writes nothing. A CIB that fails the checks is refused with CRM_EX_CONFIG and the
 * stored one is left byte-for-byte as it was. Returns whether anything was written.
 */
export async function commitCib(
  source: CibSource,
  before: XmlElement,
  after: XmlElement,
  opts: CommitOptions,
): Promise<boolean> {
  const configChanged = !sameSection(before, after, "configuration");
  const statusChanged = !sameSection(before, after, "status");
  if (!configChanged && !statusChanged && !opts.bump) return false;
  // A live cluster's DC runs the schema on every write it takes: running it here too would
  // double the cost of each tool's write (the checks in microseconds still run here).
  await assertValid(after, source.description, before, { schema: source.checksWrites !== true });
  if (configChanged || opts.bump) {
    bumpEpoch(after);
    // cibadmin -B on a file also counts the write as an update, as Pacemaker's file backend does.
    if (opts.bump && !configChanged) bumpNumUpdates(after);
  } else bumpNumUpdates(after);
  await source.write(after, readVersion(opts.basedOn ?? before), {
    replace: opts.replace,
    force: opts.force,
    bump: opts.bump === true && !configChanged,
  });
  if (opts.verbose > 0) for (const line of changeSummary(before, after)) opts.io.stderr(`${line}\n`);
  return true;
}

/**
 * Refuse a CIB with errors: every error on its own line, naming the element id. Typed values
 * (scores, durations, booleans, counts) are checked too, those `since` already held excepted.
 */
export async function assertValid(
  cib: XmlElement,
  source: string,
  since?: XmlElement,
  opts: { schema?: boolean } = {},
): Promise<void> {
  const problems = checkCib(cib).filter((p) => p.severity === "error");
  const values = valueProblems(cib, since);
  problems.push(...values);
  // A bad value is reason enough, and found in microseconds: the schema run costs ~100 ms.
  if (values.length === 0 && opts.schema !== false) {
    problems.push(...(await schemaProblems(serializeXml(cib, { pretty: true }), source)));
  }
  if (problems.length > 0) {
    throw new CliError(
      CrmExit.CONFIG,
      "Call failed: Update does not conform to the configured schema",
      problems.map((p) => `error: ${p.message}`),
    );
  }
}
