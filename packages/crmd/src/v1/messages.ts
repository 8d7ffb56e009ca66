import { GROUP_STATES, type GroupId, type GroupState, type NodeName, type V1Message } from "./types.js";

/**
 * The v1 resource messages, carried as Heartbeat messages (a fields map, `t` the type). Heartbeat
 * itself used `t=starting`/`t=resource`/`t=ask_resources`; hbx's protocol differs (claims and
 * grants instead of a stable bit and timers), so its types are prefixed to never be mistaken
 * for the original's. Lists are comma-separated.
 */
export const MSG = {
  /** Full snapshot of the sender's groups, sent on every change and when a peer comes up. */
  state: "hbx-v1-state",
  /** "I want to start group g": every live peer must grant before the start. */
  claim: "hbx-v1-claim",
  grant: "hbx-v1-grant",
  deny: "hbx-v1-deny",
  /** hb_takeover: the receivers give up the listed groups (as if hb_standby for them). */
  takeover: "hbx-v1-takeover",
} as const;

export interface StateAnnouncement {
  readonly kind: "state";
  readonly inc: string;
  readonly groups: ReadonlyMap<GroupId, GroupState>;
  readonly declined: ReadonlySet<GroupId>;
  readonly failed: ReadonlySet<GroupId>;
  readonly shuttingDown: boolean;
}

export type DecodedMessage =
  | StateAnnouncement
  | { readonly kind: "claim"; readonly inc: string; readonly group: GroupId; readonly seq: number }
  | {
      readonly kind: "grant" | "deny";
      readonly inc: string;
      readonly group: GroupId;
      readonly to: NodeName;
      /** The claimer's incarnation: an answer to a claim of a node's previous run is ignored. */
      readonly toInc: string;
      /** The claim answered: a late answer to an older claim is ignored. */
      readonly seq: number;
      readonly reason: string;
    }
  | { readonly kind: "takeover"; readonly inc: string; readonly groups: readonly GroupId[] };

const list = (items: Iterable<string>): string => [...items].join(",");
const unlist = (text: string | undefined): string[] => (text ? text.split(",").filter((s) => s !== "") : []);

export function encodeState(s: Omit<StateAnnouncement, "kind">): V1Message {
  return {
    t: MSG.state,
    inc: s.inc,
    groups: list([...s.groups].map(([g, st]) => `${g}:${st}`)),
    declined: list(s.declined),
    failed: list(s.failed),
    shutdown: s.shuttingDown ? "1" : "0",
  };
}

export function encodeClaim(inc: string, group: GroupId, seq: number): V1Message {
  return { t: MSG.claim, inc, g: group, n: String(seq) };
}

/** Answer a claim: a grant, or a denial with its reason. */
export function encodeAnswer(
  inc: string,
  group: GroupId,
  to: NodeName,
  toInc: string,
  seq: number,
  denyReason?: string,
): V1Message {
  return denyReason === undefined
    ? { t: MSG.grant, inc, g: group, to, toinc: toInc, n: String(seq) }
    : { t: MSG.deny, inc, g: group, to, toinc: toInc, n: String(seq), reason: denyReason };
}

export function encodeTakeover(inc: string, groups: readonly GroupId[]): V1Message {
  return { t: MSG.takeover, inc, groups: list(groups) };
}

/** A message this module does not understand: the reason names the field and what was found. */
export class V1MessageError extends Error {}

function need(msg: V1Message, field: string): string {
  const v = msg[field];
  if (v === undefined || v === "") {
    throw new V1MessageError(`${msg.t ?? "(no t)"}: expected field ${field}, found none`);
  }
  return v;
}

function seqOf(msg: V1Message): number {
  const n = need(msg, "n");
  if (!/^\d+$/.test(n)) throw new V1MessageError(`${msg.t}: expected a claim number in n, found "${n}"`);
  return Number(n);
}

/**
 * Decode a v1 message; undefined for a message of another type (other clients share the
 * channel); throws V1MessageError for a v1 message with missing or bad fields.
 */
export function decodeMessage(msg: V1Message): DecodedMessage | undefined {
  switch (msg.t) {
    case MSG.state: {
      const groups = new Map<GroupId, GroupState>();
      for (const item of unlist(msg.groups)) {
        const at = item.lastIndexOf(":");
        const st = item.slice(at + 1) as GroupState;
        if (at <= 0 || !GROUP_STATES.includes(st)) {
          throw new V1MessageError(`${MSG.state}: expected GROUP:STATE in groups, found "${item}"`);
        }
        groups.set(item.slice(0, at), st);
      }
      return {
        kind: "state",
        inc: need(msg, "inc"),
        groups,
        declined: new Set(unlist(msg.declined)),
        failed: new Set(unlist(msg.failed)),
        shuttingDown: msg.shutdown === "1",
      };
    }
    case MSG.claim:
      return { kind: "claim", inc: need(msg, "inc"), group: need(msg, "g"), seq: seqOf(msg) };
    case MSG.grant:
    case MSG.deny:
      return {
        kind: msg.t === MSG.grant ? "grant" : "deny",
        inc: need(msg, "inc"),
        group: need(msg, "g"),
        to: need(msg, "to"),
        toInc: need(msg, "toinc"),
        seq: seqOf(msg),
        reason: msg.reason ?? "",
      };
    case MSG.takeover:
      return { kind: "takeover", inc: need(msg, "inc"), groups: unlist(msg.groups) };
    default:
      return undefined;
  }
}
