import { type XmlElement, cloneElement } from "@hbx/cib";
import { CliError, CrmExit } from "../common/exit-codes.js";

/** The newest CIB schema Pacemaker 2.1.5 knows, which `cibadmin -a` and `--upgrade` name. */
export const LATEST_SCHEMA = "pacemaker-3.9";

/**
 * `cibadmin --upgrade`: the CIB moved to the newest schema, its admin_epoch raised so every node
 * takes it over any copy it has. Within pacemaker-3.x the syntax did not change, so only
 * validate-with moves; from older schemas Pacemaker rewrites the configuration with XSLT
 * transforms hbx does not have, so those are refused (hbx reads Heartbeat v2 and 1.x/2.x
 * names as they are) and nothing is written.
 */
export function upgradeCib(before: XmlElement): XmlElement {
  const from = before.attrs["validate-with"] ?? "";
  const m = /^pacemaker-(\d+)\.(\d+)$/.exec(from);
  if (m && Number(m[1]) === 3 && Number(m[2]) <= 9) {
    const after = cloneElement(before);
    after.attrs["validate-with"] = LATEST_SCHEMA;
    after.attrs.admin_epoch = String(Number(before.attrs.admin_epoch ?? "0") + 1);
    // The write that stores it raises epoch to 1, as Pacemaker starts a new admin_epoch's count.
    after.attrs.epoch = "0";
    return after;
  }
  if (m && Number(m[1]) > 3)
    throw new CliError(
      CrmExit.CONFIG,
      `cibadmin: validate-with="${from}" is newer than any schema this version knows (${LATEST_SCHEMA}); nothing was changed`,
    );
  throw new CliError(
    CrmExit.UNIMPLEMENT_FEATURE,
    `cibadmin: upgrading from validate-with="${from}" needs Pacemaker's XSLT transforms, which hbx does not have; hbx reads this CIB as it is. Nothing was changed`,
  );
}
