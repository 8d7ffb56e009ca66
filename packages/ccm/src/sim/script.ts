/**
 * The data-driven format for the membership core (raft's interaction files, the v1 testdata
 * layout): one script drives a whole simulated cluster. Lines:
 *   config nodes=a,b,c [keepalive=1000] [deadtime=5000] [initdead=10000]
 *   > EVENT                     an event on the network
 *   EFFECT                      the membership/DC changes the event caused, in order
 *   = CHECK                     a check of the state after the event
 *   # comment
 * Events: start N... | crash N | leave N (a clean shutdown) | restart N | block A>B (A's packets to B are lost) | unblock A>B
 *   | partition a,b|c | heal | run MS (advance virtual time).
 * Effects print as `N members a,b quorate|no-quorum` and `N dc X (was Y)`.
 * Checks: `= N members=a,b dc=X` (either part may be left out) and `= agreed a,b dc=X`: every
 * node of the set installed exactly that set and that DC.
 */
import { SimNetwork, formatNodeEffect } from "./network.js";

export interface ScriptStep {
  line: number;
  text: string;
  expected: string[];
  checks: { line: number; text: string }[];
}

export interface Script {
  file: string;
  net: SimNetwork;
  steps: ScriptStep[];
}

export function parseScript(text: string, file: string): Script {
  let net: SimNetwork | undefined;
  const steps: ScriptStep[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file}:${i + 1}`;
    if (line === "" || line.startsWith("#")) return;
    if (line.startsWith("config ")) {
      const kv = Object.fromEntries(
        line
          .split(/\s+/)
          .slice(1)
          .map((w) => w.split("=") as [string, string]),
      );
      if (!kv.nodes) throw new Error(`${where}: config needs nodes=a,b,...`);
      const ms = (k: string) => (kv[k] !== undefined ? Number(kv[k]) : undefined);
      net = new SimNetwork({
        nodes: kv.nodes.split(","),
        keepaliveMs: ms("keepalive"),
        deadtimeMs: ms("deadtime"),
        initdeadMs: ms("initdead"),
      });
    } else if (line.startsWith(">")) {
      if (!net) throw new Error(`${where}: expected a config line before the first event`);
      steps.push({ line: i + 1, text: line.slice(1).trim(), expected: [], checks: [] });
    } else if (line.startsWith("=")) {
      if (steps.length === 0) throw new Error(`${where}: expected an event before check "${line}"`);
      steps[steps.length - 1].checks.push({ line: i + 1, text: line.slice(1).trim() });
    } else {
      if (steps.length === 0) throw new Error(`${where}: expected an event before effect "${line}"`);
      steps[steps.length - 1].expected.push(line.replace(/\s+/g, " "));
    }
  });
  if (!net) throw new Error(`${file}: no config line`);
  return { file, net, steps };
}

/** Run one event; the membership/DC changes it caused, formatted. */
export function runEvent(net: SimNetwork, text: string, where: string): string[] {
  const [kind, ...args] = text.split(/\s+/);
  const pair = (w: string | undefined): [string, string] => {
    const m = /^([^>]+)>([^>]+)$/.exec(w ?? "");
    if (!m) throw new Error(`${where}: expected FROM>TO, found "${w ?? ""}"`);
    return [m[1], m[2]];
  };
  switch (kind) {
    case "start":
      for (const n of args) net.start(n);
      break;
    case "crash":
      net.crash(args[0]);
      break;
    case "leave":
      net.leave(args[0]);
      break;
    case "restart":
      net.restart(args[0]);
      break;
    case "block":
      net.block(...pair(args[0]));
      break;
    case "unblock":
      net.unblock(...pair(args[0]));
      break;
    case "partition":
      net.partition(
        args
          .join("")
          .split("|")
          .map((g) => g.split(",")),
      );
      break;
    case "heal":
      net.heal();
      break;
    case "run":
      net.run(Number(args[0]));
      break;
    default:
      throw new Error(
        `${where}: expected an event (start, crash, leave, restart, block, unblock, partition, heal, run), found "${text}"`,
      );
  }
  return net.drainEffects().map(formatNodeEffect);
}

/** Failures of one check line (empty when it holds). */
export function runCheck(net: SimNetwork, text: string, where: string): string[] {
  const [subject, ...rest] = text.split(/\s+/);
  const want = Object.fromEntries(
    rest.filter((w) => w.includes("=")).map((w) => w.split("=") as [string, string]),
  );
  const bad: string[] = [];
  const compare = (node: string, members: string | undefined, dc: string | undefined) => {
    const v = net.view(node);
    if (members !== undefined && v.members.join(",") !== members)
      bad.push(`${where}: ${node} installed ${v.members.join(",")}, expected ${members}`);
    if (dc !== undefined && (v.dc ?? "(none)") !== dc)
      bad.push(`${where}: ${node} follows DC ${v.dc ?? "(none)"}, expected ${dc}`);
  };
  if (subject === "agreed") {
    const set = rest.find((w) => !w.includes("="));
    if (!set) throw new Error(`${where}: expected "= agreed a,b[,...] [dc=X]"`);
    for (const n of set.split(",")) compare(n, set, want.dc);
  } else compare(subject, want.members, want.dc);
  return bad;
}
