/** crm_simulate's synthetic-event and artifact options, parsed apart from the rest of its flags. */
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

const LISTS: Record<string, keyof Injections> = {
  "-u": "nodeUp",
  "--node-up": "nodeUp",
  "-d": "nodeDown",
  "--node-down": "nodeDown",
  "-f": "nodeFail",
  "--node-fail": "nodeFail",
  "-i": "opInject",
  "--op-inject": "opInject",
  "-g": "ticketGrant",
  "--ticket-grant": "ticketGrant",
  "-r": "ticketRevoke",
  "--ticket-revoke": "ticketRevoke",
  "-b": "ticketStandby",
  "--ticket-standby": "ticketStandby",
  "-e": "ticketActivate",
  "--ticket-activate": "ticketActivate",
};

/**
 * Take one option if it is ours: true when taken, an error text when its value is missing,
 * false when the flag is not one of these.
 */
export function takeInjectOption(
  flag: string,
  value: () => string | undefined,
  a: InjectArgs,
): boolean | string {
  const need = (): string => value() ?? "";
  const list = LISTS[flag];
  if (list !== undefined) {
    const v = need();
    if (v === "") return `option '${flag}' needs a value`;
    (a.inj[list] as string[]).push(v);
    return true;
  }
  switch (flag) {
    case "-q":
    case "--quorum":
      a.inj.quorum = need();
      return a.inj.quorum === "" ? `option '${flag}' needs a value` : true;
    case "-w":
    case "--watchdog":
      a.inj.watchdog = need();
      return a.inj.watchdog === "" ? `option '${flag}' needs a value` : true;
    case "-F":
    case "--op-fail": {
      const v = need();
      if (v === "") return `option '${flag}' needs a value`;
      a.opFail.push(v);
      return true;
    }
    case "-I":
    case "--save-input":
      a.saveInput = need();
      return a.saveInput === "" ? `option '${flag}' needs a value` : true;
    case "-O":
    case "--save-output":
      a.saveOutput = need();
      return a.saveOutput === "" ? `option '${flag}' needs a value` : true;
    case "-X":
    case "--in-place":
      a.inPlace = true;
      return true;
    case "-p":
    case "--xml-pipe":
      a.pipe = true;
      return true;
    case "-R":
    case "--run":
      return true;
    default:
      return false;
  }
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
