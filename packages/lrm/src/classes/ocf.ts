import { join } from "node:path";
import { type ProcessOutcome } from "../process/run-process.js";
import { type AgentSpec, type OperationRequest } from "../types.js";
import { done, isExecutableFile, signalled } from "./common.js";
import { type AgentClass, type AgentDirs, type InterpretedResult, type PreparedCommand } from "./types.js";

/** The feature set hbx announces to agents (OCF_RESKEY_crm_feature_set), as Pacemaker 2.1.5's tools do. */
export const CRM_FEATURE_SET = "3.16.1";

const EXIT_REASON_PREFIX = "ocf-exit-reason:";
const EXIT_REASON_MAX = 128;

/** Names become shell variables: Pacemaker turns '-' into '_' in CRM_meta_ names. */
function metaName(name: string): string {
  return name.replace(/-/g, "_");
}

/** The last "ocf-exit-reason:" line on stderr, cut at 128 characters, as Pacemaker reads it. */
export function parseExitReason(stderr: string): string {
  const at = stderr.lastIndexOf(EXIT_REASON_PREFIX);
  if (at < 0) return "";
  const rest = stderr.slice(at + EXIT_REASON_PREFIX.length);
  const eol = rest.indexOf("\n");
  const line = eol < 0 ? rest : rest.slice(0, eol);
  return line.slice(0, EXIT_REASON_MAX);
}

/** The environment an OCF agent is called with (OCF RA API 1.1 plus Pacemaker's CRM_meta_*). */
export function ocfEnvironment(
  req: OperationRequest,
  ocfRoot: string,
  baseEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv };
  env.OCF_ROOT = ocfRoot;
  env.OCF_FUNCTIONS_DIR = join(ocfRoot, "lib", "heartbeat");
  env.OCF_RA_VERSION_MAJOR = "1";
  env.OCF_RA_VERSION_MINOR = "1";
  env.OCF_EXIT_REASON_PREFIX = EXIT_REASON_PREFIX;
  // meta-data is asked without an instance; agents name their defaults after it.
  env.OCF_RESOURCE_INSTANCE = req.action === "meta-data" ? req.spec.type : req.rscId;
  env.OCF_RESOURCE_TYPE = req.spec.type;
  if (req.spec.provider) env.OCF_RESOURCE_PROVIDER = req.spec.provider;
  for (const [k, v] of Object.entries(req.params)) env[`OCF_RESKEY_${k}`] = v;
  env.OCF_RESKEY_crm_feature_set = CRM_FEATURE_SET;
  for (const [k, v] of Object.entries(req.meta ?? {})) env[`OCF_RESKEY_CRM_meta_${metaName(k)}`] = v;
  // A caller may show the agent another timeout than the one enforced (crm_resource --timeout
  // kills at its own limit but leaves CRM_meta_timeout at the configured one, as Pacemaker does).
  env.OCF_RESKEY_CRM_meta_timeout = req.meta?.timeout ?? String(req.timeoutMs);
  if (req.intervalMs > 0) env.OCF_RESKEY_CRM_meta_interval = String(req.intervalMs);
  else delete env.OCF_RESKEY_CRM_meta_interval;
  return env;
}

export class OcfClass implements AgentClass {
  readonly standard = "ocf" as const;
  constructor(private readonly dirs: AgentDirs) {}

  locate(spec: AgentSpec): string | undefined {
    if (!spec.provider || spec.type.includes("/") || spec.provider.includes("/")) return undefined;
    const path = join(this.dirs.ocfRoot, "resource.d", spec.provider, spec.type);
    return isExecutableFile(path) ? path : undefined;
  }

  notInstalledReason(spec: AgentSpec): string {
    return `${spec.type}: No such file or directory`;
  }

  prepare(req: OperationRequest, path: string, baseEnv: Readonly<Record<string, string>>): PreparedCommand {
    return { command: path, args: [req.action], env: ocfEnvironment(req, this.dirs.ocfRoot, baseEnv) };
  }

  interpret(_req: OperationRequest, outcome: ProcessOutcome): InterpretedResult {
    const sig = signalled(outcome);
    if (sig) return sig;
    return done(outcome.exitCode!, parseExitReason(outcome.stderr));
  }
}
