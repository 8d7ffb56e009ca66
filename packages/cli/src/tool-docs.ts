/**
 * Every command-line tool's option table and --help text, in one list: the package build makes
 * the man pages and the shell completion from it, so they list exactly what each parser accepts.
 */
import type { OptionSpec } from "./common/args.js";
import { HELP as cibadminHelp } from "./cibadmin/help.js";
import { OPTIONS as cibadminOptions } from "./cibadmin/run.js";
import { HELP as crmAttributeHelp, OPTIONS as crmAttributeOptions } from "./crm_attribute/run.js";
import { HELP as crmFailcountHelp, OPTIONS as crmFailcountOptions } from "./crm_failcount/run.js";
import { HELP as crmMonHelp, specs as crmMonOptions } from "./crm_mon/options.js";
import { HELP as crmNodeHelp, OPTIONS as crmNodeOptions } from "./crm_node/run.js";
import { HELP as crmResourceHelp } from "./crm_resource/help.js";
import { OPTIONS as crmResourceOptions } from "./crm_resource/run.js";
import { HELP as crmStandbyHelp, OPTIONS as crmStandbyOptions } from "./crm_standby/run.js";
import { HELP as crmVerifyHelp, OPTIONS as crmVerifyOptions } from "./crm_verify/run.js";
import { HELP as crmSimulateHelp, OPTIONS as crmSimulateOptions } from "./crm_simulate/args.js";
import { HELP as clStatusHelp, OPTIONS as clStatusOptions } from "./cl_status/run.js";
import { ASK_RESOURCES_OPTIONS, askResourcesHelp } from "./hb_standby/ask-resources.js";

export interface ToolDoc {
  tool: string;
  /** The man page's NAME line. */
  summary: string;
  options: OptionSpec[];
  help: string;
  /** Words the tool takes that are not options (sub-commands), for the shell completion. */
  words?: string[];
}

export const TOOL_DOCS: ToolDoc[] = [
  {
    tool: "cibadmin",
    summary: "query and edit the cluster configuration (CIB)",
    options: cibadminOptions,
    help: cibadminHelp,
  },
  {
    tool: "crm_attribute",
    summary: "query and update cluster, node and transient attributes",
    options: crmAttributeOptions,
    help: crmAttributeHelp,
  },
  {
    tool: "crm_failcount",
    summary: "query or delete resource fail counts",
    options: crmFailcountOptions,
    help: crmFailcountHelp,
  },
  { tool: "crm_mon", summary: "show the cluster's status", options: crmMonOptions, help: crmMonHelp },
  { tool: "crm_node", summary: "list the cluster's nodes", options: crmNodeOptions, help: crmNodeHelp },
  {
    tool: "crm_resource",
    summary: "perform tasks related to cluster resources",
    options: crmResourceOptions,
    help: crmResourceHelp,
  },
  {
    tool: "crm_standby",
    summary: "query and change a node's standby state",
    options: crmStandbyOptions,
    help: crmStandbyHelp,
  },
  {
    tool: "crm_verify",
    summary: "check a cluster configuration for errors",
    options: crmVerifyOptions,
    help: crmVerifyHelp,
  },
  {
    tool: "crm_simulate",
    summary: "simulate the cluster's response to events",
    options: crmSimulateOptions,
    help: crmSimulateHelp,
  },
  {
    tool: "cl_status",
    summary: "Heartbeat's cluster status queries",
    options: clStatusOptions,
    help: clStatusHelp,
    words: [
      "clientstatus",
      "hblinkstatus",
      "hbstatus",
      "listnodes",
      "listhblinks",
      "nodestatus",
      "nodetype",
      "rscstatus",
    ],
  },
  {
    tool: "hb_standby",
    summary: "give this node's resources to its peer (haresources mode)",
    options: ASK_RESOURCES_OPTIONS,
    help: askResourcesHelp("hb_standby"),
    words: ["all", "foreign", "local", "failback"],
  },
  {
    tool: "hb_takeover",
    summary: "take the resources from the peer (haresources mode)",
    options: ASK_RESOURCES_OPTIONS,
    help: askResourcesHelp("hb_takeover"),
    words: ["all", "foreign", "local", "failback"],
  },
];
