import { type XmlElement } from "../xml/node.js";
import { digestV1 } from "./xmlDigest.js";

/**
 * An operation's parameters as the resource agent receives them: the resource's instance
 * attributes, the operation's own instance attributes (e.g. OCF_CHECK_LEVEL), and the
 * `CRM_meta_*` meta-attributes (CRM_meta_interval and CRM_meta_timeout in milliseconds).
 */
export type OperationParameters = Readonly<Record<string, string>>;

const META_PREFIX = "CRM_meta_";

/** Names that never enter an operation digest besides the CRM_meta_* family. */
const NEVER_DIGESTED: ReadonlySet<string> = new Set([
  "id",
  "crm_feature_set",
  "op-digest",
  "on_node",
  "on_node_uuid",
  "pcmk_external_ip",
]);

/** Pacemaker reads CRM_meta_interval as a whole number of milliseconds; anything else is 0. */
function intervalMs(params: OperationParameters): number {
  const raw = params[`${META_PREFIX}interval`];
  if (raw === undefined) return 0;
  const m = /^\s*(\d+)/.exec(raw);
  return m ? Number(m[1]) : 0;
}

/**
 * The parameters that count for the digest, as Pacemaker filters them: every CRM_meta_* and
 * bookkeeping attribute dropped, except that a recurring operation keeps CRM_meta_timeout (a
 * changed monitor timeout must re-schedule the monitor). Names sorted bytewise.
 */
export function digestedParameters(params: OperationParameters): [string, string][] {
  const kept: [string, string][] = [];
  for (const [name, value] of Object.entries(params)) {
    if (name.startsWith(META_PREFIX) || NEVER_DIGESTED.has(name)) continue;
    kept.push([name, value]);
  }
  const timeout = params[`${META_PREFIX}timeout`];
  if (intervalMs(params) !== 0 && timeout !== undefined) kept.push([`${META_PREFIX}timeout`, timeout]);
  return kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function parametersElement(entries: [string, string][]): XmlElement {
  return { kind: "element", name: "parameters", attrs: Object.fromEntries(entries), children: [] };
}

/**
 * `op-digest` exactly as Pacemaker records it on lrm_rsc_op, and as its scheduler recomputes it
 * to decide whether a resource's definition changed: Pacemaker's v1 digest (MD5 of
 * " <parameters a=\"1\" b=\"2\"/>\n") over the filtered parameters with names sorted.
 * The LRM (recording a result) and the policy engine (comparing) both call this function.
 */
export function operationDigest(params: OperationParameters): string {
  return digestV1(parametersElement(digestedParameters(params)));
}

/** Pacemaker's list format for op-force-restart / op-secure-params: " a b c ". */
export function formatParameterList(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? "" : ` ${list.join(" ")} `;
}

/** Parse op-force-restart / op-secure-params back into names. */
export function parseParameterList(list: string): string[] {
  return list.split(/\s+/).filter((n) => n.length > 0);
}

/**
 * `op-restart-digest`: the digest over only the parameters whose change forces a restart (the
 * agent's non-reloadable ones, recorded as op-force-restart). A change to any other parameter
 * can be applied by a reload.
 */
export function restartDigest(params: OperationParameters, restartParameters: Iterable<string>): string {
  const keep = new Set(restartParameters);
  return digestV1(parametersElement(digestedParameters(params).filter(([n]) => keep.has(n))));
}

/** Pacemaker's own fencing parameters (pcmk_host_list, pcmk_reboot_timeout, provides, ...). */
export function isFencingParameter(name: string): boolean {
  if (name === "provides" || name === "stonith-timeout") return true;
  if (!name.startsWith("pcmk_")) return false;
  if (FENCING_PARAMETERS.has(name)) return true;
  // pcmk_<action>_action, pcmk_<action>_timeout, pcmk_<action>_retries
  const rest = name.slice(5);
  const cut = rest.indexOf("_");
  return cut >= 0 && ["_action", "_timeout", "_retries"].includes(rest.slice(cut));
}

const FENCING_PARAMETERS: ReadonlySet<string> = new Set([
  "pcmk_action_limit",
  "pcmk_delay_base",
  "pcmk_delay_max",
  "pcmk_host_argument",
  "pcmk_host_check",
  "pcmk_host_list",
  "pcmk_host_map",
]);

/** Sensitive parameter names assumed when no op-secure-params was recorded. */
export const DEFAULT_SECURE_PARAMETERS: readonly string[] = ["passwd", "password", "user"];

export interface SecureDigestOptions {
  /**
   * The resource is a fence device (class stonith): its pcmk_* parameters are left out, since
   * the agent's metadata does not declare them and the recorder never hashed them.
   */
  fenceDevice?: boolean;
}

/**
 * `op-secure-digest`: the digest without the agent's sensitive parameters (op-secure-params,
 * e.g. passwords), so that a CIB whose secrets were masked (crm_report, the corpus) can still
 * be compared. Pacemaker leaves CRM_meta_timeout out of this one.
 */
export function secureDigest(
  params: OperationParameters,
  secureParameters: Iterable<string> = DEFAULT_SECURE_PARAMETERS,
  opts: SecureDigestOptions = {},
): string {
  const drop = new Set(secureParameters);
  drop.add(`${META_PREFIX}timeout`);
  const kept = digestedParameters(params).filter(
    ([n]) => !drop.has(n) && !(opts.fenceDevice === true && isFencingParameter(n)),
  );
  return digestV1(parametersElement(kept));
}
