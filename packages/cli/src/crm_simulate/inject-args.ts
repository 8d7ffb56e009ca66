/** crm_simulate's synthetic-event and artifact options, parsed apart from the rest of its flags. */
import { type Args, type OptionSpec } from "../common/args.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type Injections, noInjections } from "./inject.js";

export interface InjectArgs {
  inj: Injections;
  /** -F specs: actions to fail when the transition is simulated. */
  opFail: string[];
  saveInput?: string;
  saveOutput?: string;
  /** -X: simulate and store the result back into the input file. */
  inPlace: boolean;
  /** -p: read the CIB from stdin. */
  pipe: boolean;
}

export function defaultInjectArgs(): InjectArgs {
  return { inj: noInjections(), opFail: [], inPlace: false, pipe: false };
}

/** The options that add to a list of injections, by the key their table entry stores them under. */
const LISTS: Record<string, keyof Injections> = {
  "node-up": "nodeUp",
  "node-down": "nodeDown",
  "node-fail": "nodeFail",
  "op-inject": "opInject",
  "ticket-grant": "ticketGrant",
  "ticket-revoke": "ticketRevoke",
  "ticket-standby": "ticketStandby",
  "ticket-activate": "ticketActivate",
};

/** The synthetic-event and artifact options, as crm_simulate's option table holds them. */
export const INJECT_OPTIONS: OptionSpec[] = [
  { key: "node-up", short: "u", long: ["node-up"], arg: "required" },
  { key: "node-down", short: "d", long: ["node-down"], arg: "required" },
  { key: "node-fail", short: "f", long: ["node-fail"], arg: "required" },
  { key: "op-inject", short: "i", long: ["op-inject"], arg: "required" },
  { key: "op-fail", short: "F", long: ["op-fail"], arg: "required" },
  { key: "quorum", short: "q", long: ["quorum"], arg: "required" },
  { key: "watchdog", short: "w", long: ["watchdog"], arg: "required" },
  { key: "ticket-grant", short: "g", long: ["ticket-grant"], arg: "required" },
  { key: "ticket-revoke", short: "r", long: ["ticket-revoke"], arg: "required" },
  { key: "ticket-standby", short: "b", long: ["ticket-standby"], arg: "required" },
  { key: "ticket-activate", short: "e", long: ["ticket-activate"], arg: "required" },
  { key: "save-input", short: "I", long: ["save-input"], arg: "required" },
  { key: "save-output", short: "O", long: ["save-output"], arg: "required" },
  { key: "in-place", short: "X", long: ["in-place"] },
  { key: "xml-pipe", short: "p", long: ["xml-pipe"] },
  { key: "run", short: "R", long: ["run"] },
];

/** The injections and artifacts the parsed arguments ask for; an empty value is refused. */
export function injectArgsFrom(args: Args): InjectArgs {
  for (const spec of INJECT_OPTIONS) {
    if (spec.arg === "required" && args.all(spec.key).some((v) => v === ""))
      throw new CliError(CrmExit.USAGE, `crm_simulate: option '--${spec.key}' needs a value`);
  }
  const a = defaultInjectArgs();
  for (const [key, list] of Object.entries(LISTS)) (a.inj[list] as string[]).push(...args.all(key));
  a.inj.quorum = args.get("quorum") ?? a.inj.quorum;
  a.inj.watchdog = args.get("watchdog") ?? a.inj.watchdog;
  a.opFail.push(...args.all("op-fail"));
  a.saveInput = args.get("save-input");
  a.saveOutput = args.get("save-output");
  a.inPlace = args.has("in-place");
  a.pipe = args.has("xml-pipe");
  return a;
}

export const INJECT_USAGE = `
Synthetic Cluster Events:
  -u, --node-up=NODE       Simulate bringing a node online
  -d, --node-down=NODE     Simulate taking a node offline
  -f, --node-fail=NODE     Simulate a node failing
  -i, --op-inject=OPSPEC   Generate a failure for the cluster to react to in the simulation.
                           OPSPEC is \${resource}_\${task}_\${interval_in_ms}@\${node}=\${rc},
                           e.g. mysql_monitor_10000@mysql1=7
  -F, --op-fail=OPSPEC     If the specified task occurs during the simulation, have it fail
                           with return code \${rc}. Save the result with --save-output and
                           re-run with --xml-file
  -q, --quorum=QUORUM      Set to '1' (or 'true') to indicate cluster has quorum
  -w, --watchdog=DEVICE    Set to '1' (or 'true') to indicate cluster has an active watchdog device
  -g, --ticket-grant=TICKET     Simulate granting a ticket
  -r, --ticket-revoke=TICKET    Simulate revoking a ticket
  -b, --ticket-standby=TICKET   Simulate making a ticket standby
  -e, --ticket-activate=TICKET  Simulate activating a ticket

Artifact Options:
  -I, --save-input=FILE    Save the input configuration (after injections) to the named file
  -O, --save-output=FILE   Save the output configuration (after simulated execution) to the named file

Other:
  -R, --run                Process the input and show what the cluster will do (the default)
  -X, --in-place           Like --simulate, but also store the results back to the input file
  -p, --xml-pipe           Retrieve XML from stdin
`;
