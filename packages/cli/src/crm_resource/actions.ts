import { type XmlElement } from "@hbx/cib";
import { type Args } from "../common/args.js";
import {
  type ResourceEntry,
  RESOURCE_TAGS,
  indexNodes,
  indexResources,
  primitivesOf,
} from "../common/cib-model.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { cleanupResource, parseIntervalMs } from "../common/status.js";
import { addBan, addPrefer, banId, clearLocations, lifetimeEnd } from "./location.js";
import { TOOL, lookup } from "./resource-args.js";
import { activeNodes } from "./show.js";

/** The crm_resource commands that change where resources may run or forget their history. */
export async function moveOrBan(
  args: Args,
  before: XmlElement,
  after: XmlElement,
  entry: ResourceEntry,
  io: CliIo,
  commit: () => Promise<boolean>,
): Promise<number> {
  const id = entry.el.attrs.id;
  const node = args.get("node");
  const quiet = args.has("quiet");
  if (node !== undefined && !indexNodes(before).byName.has(node)) {
    throw new CliError(
      CrmExit.NOSUCH,
      `${TOOL}: Node '${node}' not found\nError performing operation: No such object`,
    );
  }
  let until: string | undefined;
  const lifetime = args.get("lifetime");
  if (lifetime !== undefined) {
    const ms = parseIntervalMs(lifetime);
    if (ms === undefined)
      throw new CliError(
        CrmExit.INVALID_PARAM,
        `${TOOL}: Invalid lifetime '${lifetime}' (expected an ISO 8601 duration such as PT1H)`,
      );
    until = lifetimeEnd(io.now(), ms);
  }
  const promoted = args.has("promoted");
  const current = activeNodes(before, entry);
  const lines: string[] = [];
  if (until !== undefined) lines.push(`Migration will take effect until: ${until}`);
  const ban = (target: string) => {
    addBan(after, { rsc: id, node: target, promoted, until });
    lines.push(
      `WARNING: Creating rsc_location constraint '${banId(id, target)}' with a score of -INFINITY for resource ${id} on ${target}.`,
      `\tThis will prevent ${id} from running on ${target} until the constraint is removed using the clear option or by editing the CIB with an appropriate tool`,
      `\tThis will be the case even if ${target} is the last node in the cluster`,
    );
  };
  const single = current.length === 1 ? current[0] : undefined;
  if (args.has("ban") || node === undefined) {
    const target = node ?? single;
    if (target === undefined) {
      throw new CliError(
        CrmExit.USAGE,
        `Resource '${id}' not moved: active in ${current.length} locations.\nTo prevent '${id}' from running on a specific location, specify a node.`,
      );
    }
    ban(target);
  } else {
    if (single === node && !args.has("force")) {
      throw new CliError(
        CrmExit.EXISTS,
        `${TOOL}: Error performing operation: Requested item already exists`,
      );
    }
    clearLocations(after, id, { node, force: false, expiredOnly: false, now: io.now() });
    addPrefer(after, { rsc: id, node, promoted, until });
    if (args.has("force") && single !== undefined && single !== node) ban(single);
  }
  await commit();
  if (!quiet) for (const l of lines) io.stdout(`${l}\n`);
  return CrmExit.OK;
}

/**
 * --cleanup / --refresh (and Heartbeat's -C -H node -r rsc, -P): on a CIB file hbx does what
 * the cluster would, forgetting fail counts and operation history so the state is re-probed.
 * A clean-up touches only resources with failures; a refresh all history.
 */
export async function cleanup(
  args: Args,
  after: XmlElement,
  io: CliIo,
  commit: () => Promise<boolean>,
): Promise<number> {
  const refresh = args.has("refresh");
  const rscId = args.get("resource");
  const node = args.get("node");
  if (node !== undefined && !indexNodes(after).byName.has(node)) {
    throw new CliError(
      CrmExit.NOSUCH,
      `${TOOL}: Node '${node}' not found\nError performing operation: No such object`,
    );
  }
  const resources = indexResources(after);
  let targets: ResourceEntry[];
  if (rscId !== undefined) targets = [lookup(after, rscId)];
  else targets = [...resources.values()].filter((e) => e.el.name === "primitive");
  const op = args.get("operation");
  const interval = args.get("interval");
  const intervalMs = interval === undefined ? 0 : parseIntervalMs(interval);
  if (intervalMs === undefined)
    throw new CliError(CrmExit.INVALID_PARAM, `${TOOL}: Invalid interval '${interval}'`);
  for (const t of targets) {
    // A group member or clone instance is cleaned with its whole collective unless forced.
    const whole =
      !args.has("force") && t.parent && RESOURCE_TAGS.includes(t.parent.name as never) ? t.parent : t.el;
    const prims = primitivesOf(whole).map((p) => p.attrs.id);
    const cleaned = cleanupResource(after, prims, {
      node,
      op,
      intervalMs,
      history: refresh || op === undefined,
      onlyFailed: !refresh,
    });
    if (!args.has("quiet")) for (const n of cleaned) io.stdout(`Cleaned up ${whole.attrs.id} on ${n}\n`);
  }
  await commit();
  return CrmExit.OK;
}
