import { type CibConfiguration, type XmlElement, tryParseScore } from "@hbx/cib";
import type { ClusterOptions } from "../types.js";
import { boolOption, resolveSets } from "./attributes.js";
import { parseInterval } from "./rules.js";

/** Cluster options with Pacemaker 2.1's defaults; Heartbeat v2 underscore names are accepted. */
export function unpackOptions(
  cib: XmlElement,
  conf: CibConfiguration,
  now: Date,
): { options: ClusterOptions; raw: Map<string, string> } {
  const raw = resolveSets(conf.clusterOptions, { now }, { canonical: true });
  const stonith = raw.get("fencing-enabled") ?? raw.get("stonith-enabled");
  const score = (name: string, d: number): number => tryParseScore(raw.get(name) ?? "") ?? d;
  const options: ClusterOptions = {
    symmetric: boolOption(raw.get("symmetric-cluster"), true),
    stonithEnabled: boolOption(stonith, true),
    stonithAction: normaliseFenceAction(raw.get("stonith-action") ?? "reboot"),
    noQuorumPolicy: noQuorumPolicy(cib, raw, boolOption(stonith, true)),
    haveQuorum: boolOption(cib.attrs["have-quorum"], false),
    maintenanceMode: boolOption(raw.get("maintenance-mode"), false),
    stopOrphanResources: boolOption(
      raw.get("stop-removed-resources") ?? raw.get("stop-orphan-resources"),
      true,
    ),
    stopOrphanActions: boolOption(raw.get("cancel-removed-actions") ?? raw.get("stop-orphan-actions"), true),
    startFailureIsFatal: boolOption(raw.get("start-failure-is-fatal"), true),
    placementStrategy: (raw.get("placement-strategy") ?? "default").toLowerCase(),
    startupFencing: boolOption(raw.get("startup-fencing"), true),
    nodeHealthStrategy: (raw.get("node-health-strategy") ?? "none").toLowerCase(),
    nodeHealthGreen: score("node-health-green", 0),
    nodeHealthYellow: score("node-health-yellow", 0),
    nodeHealthRed: score("node-health-red", 0),
    nodeHealthBase: score("node-health-base", 0),
    shutdownLock: boolOption(raw.get("shutdown-lock"), false),
    concurrentFencing: boolOption(raw.get("concurrent-fencing"), false),
    haveWatchdog: boolOption(raw.get("have-watchdog"), false),
    stonithTimeoutMs: parseInterval(raw.get("stonith-timeout")) || 60_000,
    shutdownEscalationMs: parseInterval(raw.get("shutdown-escalation")) || 20 * 60_000,
  };
  return { options, raw };
}

/**
 * no-quorum-policy, with suicide applied only where it can be: it needs fencing, and a partition
 * that never had quorum (no `no-quorum-panic` on the CIB) stops its resources instead.
 */
function noQuorumPolicy(cib: XmlElement, raw: Map<string, string>, fencing: boolean): string {
  const policy = (raw.get("no-quorum-policy") ?? "stop").toLowerCase();
  if (policy !== "suicide") return policy;
  const panic = boolOption(cib.attrs["no-quorum-panic"], false);
  if (fencing && (panic || boolOption(cib.attrs["have-quorum"], false))) return "suicide";
  return "stop";
}

function normaliseFenceAction(a: string): string {
  return a === "poweroff" ? "off" : a;
}
