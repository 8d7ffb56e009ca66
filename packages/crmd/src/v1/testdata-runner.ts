import { parseHaresources, type AutoFailback } from "@hbx/transport";
import { groupsFromHaresources } from "./groups.js";
import { V1ResourceManager } from "./manager.js";
import { type ResourceSet, type V1Config, type V1Effect, type V1Event } from "./types.js";

/**
 * The data-driven test format (raft's testdata style): a file of events and the effects each
 * must produce, so a new case is a new file. Lines:
 *   config node=alpha nodes=alpha,bravo failback=on [initdead=10000] [claimtimeout=5000] [retry=1000]
 *   haresources <a haresources line>          (repeatable; before the first event)
 *   > [@TIME] EVENT                           an event; @TIME sets the clock (ms) and stays
 *   EFFECT                                    expected effects of the last event, in order
 *   = rscstatus VALUE | = GROUP STATE         a check of the manager's state
 *   # comment
 * Events: boot | node NAME up [GEN] | node NAME down | recv NAME TYPE k=v ... | done OPID ok|fail
 *   | standby SET | takeover SET | shutdown | timer.
 * A received message gets `inc=NAME-1` unless it names one. Effects print as:
 *   op ID ACTION GROUP[INDEX] TEXT | send *|NODE TYPE k=v ... (without inc) | state GROUP FROM>TO
 *   | timer AT | shutdown-complete.   Log effects are not listed (they are prose).
 */
export interface TestdataCase {
  readonly file: string;
  readonly steps: TestdataStep[];
  readonly manager: V1ResourceManager;
}

export interface TestdataStep {
  readonly line: number;
  readonly run: () => string[];
  readonly expected: string[];
  readonly checks: { line: number; text: string }[];
}

export function formatEffect(e: V1Effect): string | undefined {
  switch (e.type) {
    case "op":
      return `op ${e.opId} ${e.action} ${e.group}[${e.index}] ${e.resource.text}`;
    case "send": {
      const fields = Object.entries(e.msg)
        .filter(([k]) => k !== "t" && k !== "inc")
        .map(([k, v]) => `${k}=${v}`);
      return [`send ${e.to ?? "*"} ${e.msg.t}`, ...fields].join(" ");
    }
    case "state":
      return `state ${e.group} ${e.from}>${e.to}`;
    case "timer":
      return `timer ${e.at}`;
    case "shutdown-complete":
      return "shutdown-complete";
    case "log":
      return undefined;
  }
}

function parseEvent(words: string[], where: string): V1Event {
  const [kind, ...rest] = words;
  switch (kind) {
    case "boot":
    case "shutdown":
    case "timer":
      return { type: kind };
    case "node":
      return {
        type: "node",
        node: rest[0],
        status: rest[1] === "up" ? "up" : "down",
        ...(rest[2] ? { generation: Number(rest[2]) } : {}),
      };
    case "recv": {
      const msg: Record<string, string> = { t: rest[1], inc: `${rest[0]}-1` };
      for (const kv of rest.slice(2)) {
        const at = kv.indexOf("=");
        msg[kv.slice(0, at)] = kv.slice(at + 1);
      }
      return { type: "message", from: rest[0], msg };
    }
    case "done":
      return { type: "op-done", opId: Number(rest[0]), ok: rest[1] === "ok" };
    case "standby":
    case "takeover":
      return { type: kind, which: rest[0] as ResourceSet };
    default:
      throw new Error(`${where}: expected an event, found "${words.join(" ")}"`);
  }
}

export function parseTestdata(text: string, file: string): TestdataCase {
  const opts: Record<string, string> = {};
  const haresources: string[] = [];
  const steps: TestdataStep[] = [];
  let manager: V1ResourceManager | undefined;
  let now = 0;
  const lines = text.split("\n");
  const build = (): V1ResourceManager => {
    const nodes = (opts.nodes ?? "alpha,bravo").split(",");
    const config: V1Config = {
      node: opts.node ?? "alpha",
      nodes,
      autoFailback: (opts.failback ?? "on") as AutoFailback,
      groups: groupsFromHaresources(parseHaresources(haresources.join("\n"), file), nodes),
      incarnation: `${opts.node ?? "alpha"}-1`,
      initdeadMs: Number(opts.initdead ?? 10000),
      claimTimeoutMs: Number(opts.claimtimeout ?? 5000),
      retryMs: Number(opts.retry ?? 1000),
    };
    return new V1ResourceManager(config);
  };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file}:${i + 1}`;
    if (line === "" || line.startsWith("#")) return;
    if (line.startsWith("config ")) {
      for (const kv of line.split(/\s+/).slice(1)) {
        const [k, v] = kv.split("=");
        opts[k] = v;
      }
    } else if (line.startsWith("haresources ")) {
      haresources.push(line.slice("haresources ".length));
    } else if (line.startsWith(">")) {
      manager ??= build();
      const m = manager;
      const words = line.slice(1).trim().split(/\s+/);
      if (words[0].startsWith("@")) now = Number(words.shift()!.slice(1));
      const at = now;
      const event = parseEvent(words, where);
      steps.push({
        line: i + 1,
        run: () =>
          m
            .step(at, event)
            .map(formatEffect)
            .filter((s): s is string => s !== undefined),
        expected: [],
        checks: [],
      });
    } else if (line.startsWith("=")) {
      steps[steps.length - 1]?.checks.push({ line: i + 1, text: line.slice(1).trim() });
    } else {
      if (steps.length === 0)
        throw new Error(`${where}: expected an event ("> ...") before effect "${line}"`);
      steps[steps.length - 1].expected.push(line.replace(/\s+/g, " "));
    }
  });
  return { file, steps, manager: manager ?? build() };
}

/** The manager's answer to a check line: `rscstatus` or a group's state. */
export function checkValue(m: V1ResourceManager, check: string): { actual: string; expected: string } {
  const [what, expected] = check.split(/\s+/);
  const actual = what === "rscstatus" ? m.rscStatus() : (m.groupState(what) ?? "(no such group)");
  return { actual, expected };
}
