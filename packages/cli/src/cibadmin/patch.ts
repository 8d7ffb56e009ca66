import {
  CibPatchError,
  type XmlElement,
  applyPatchChanges,
  compareVersions,
  firstChild,
  formatVersion,
  patchChanges,
  readVersion,
} from "@hbx/cib";
import { CliError, CrmExit } from "../common/exit-codes.js";

/**
 * `cibadmin -P/--patch`: apply a format-2 XML diff (what `crm_diff -o old -n new` prints) to the
 * CIB. The diff must start from the CIB's current version: an older one means the CIB moved on
 * (exit 103, as for a stale replace), a newer one that this copy missed updates (exit 1). Any
 * change that does not apply refuses the whole patch; nothing is written.
 */
export function applyPatch(before: XmlElement, diff: XmlElement): XmlElement {
  if (diff.name !== "diff" || diff.attrs.format !== "2")
    throw new CliError(
      CrmExit.UNIMPLEMENT_FEATURE,
      `cibadmin: only format="2" <diff> patches are supported (found <${diff.name}${diff.attrs.format ? ` format="${diff.attrs.format}"` : ""}>); make one with crm_diff`,
    );
  checkSource(before, diff);
  try {
    return applyPatchChanges(before, patchChanges(diff));
  } catch (e) {
    if (e instanceof CibPatchError)
      throw new CliError(
        CrmExit.ERROR,
        `Call failed: Application of update diff failed: ${e.message}; nothing was changed`,
      );
    throw e;
  }
}

function checkSource(cib: XmlElement, diff: XmlElement): void {
  const version = firstChild(diff, "version");
  const source = version ? firstChild(version, "source") : undefined;
  if (!source) return;
  const current = readVersion(cib);
  const from = readVersion(source);
  const order = compareVersions(current, from);
  if (order > 0)
    throw new CliError(
      CrmExit.OLD,
      `Call failed: Update was older than existing configuration: the patch applies to ${formatVersion(from)} but the CIB is now ${formatVersion(current)}`,
    );
  if (order < 0)
    throw new CliError(
      CrmExit.ERROR,
      `Call failed: Application of update diff failed, requesting full refresh: the patch applies to ${formatVersion(from)} but the CIB is only at ${formatVersion(current)}`,
    );
}
