import { type XmlElement } from "@hbx/cib";
import { type Args } from "../common/args.js";
import { type ResourceEntry, indexResources } from "../common/cib-model.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type SetType } from "./params.js";

/** Argument helpers every crm_resource command shares. */
export const TOOL = "crm_resource";

export function notFound(id: string): CliError {
  return new CliError(
    CrmExit.NOSUCH,
    `${TOOL}: Resource '${id}' not found\nError performing operation: No such object`,
  );
}

export function needResource(args: Args): string {
  const id = args.get("resource");
  if (id === undefined || id === "") {
    throw new CliError(CrmExit.USAGE, `${TOOL}: Must supply a resource id with -r`);
  }
  return id;
}

export function lookup(cib: XmlElement, id: string): ResourceEntry {
  const entry = indexResources(cib).get(id.replace(/:\d+$/, ""));
  if (!entry) throw notFound(id);
  return entry;
}

export function setType(args: Args): SetType {
  if (args.has("meta")) return "meta_attributes";
  if (args.has("utilization")) return "utilization";
  return "instance_attributes";
}
