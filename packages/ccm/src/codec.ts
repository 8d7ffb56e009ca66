/**
 * The ccm message: the liveness views the sender holds (its own first), as JSON. It travels as a
 * signed Heartbeat cluster message of type `hbx-ccm`, broadcast like a heartbeat, so it reaches
 * every node that hears the sender, whatever the sender thinks of them (a node behind a one-way
 * fault still learns that it is not heard). Decoding checks every field, so a malformed message
 * is refused with one line naming it.
 */
import type { PeerView } from "./membership.js";

export const CCM_MESSAGE_TYPE = "hbx-ccm";
export const CCM_VIEWS_FIELD = "views";

export class CcmMessageError extends Error {
  constructor(from: string, problem: string) {
    super(`ccm message from ${from}: ${problem}`);
    this.name = "CcmMessageError";
  }
}

export function encodeViews(views: readonly PeerView[]): string {
  return JSON.stringify({ v: 1, views });
}

const isName = (x: unknown): x is string => typeof x === "string" && x.length > 0;
const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

export function decodeViews(from: string, text: string): PeerView[] {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new CcmMessageError(from, "not JSON");
  }
  const views = (msg as { views?: unknown }).views;
  if ((msg as { v?: unknown }).v !== 1 || !Array.isArray(views))
    throw new CcmMessageError(from, 'expected {"v":1,"views":[...]}');
  return views.map((raw: unknown, i) => {
    const v = raw as Record<string, unknown>;
    const bad = (field: string) => new CcmMessageError(from, `views[${i}].${field} is malformed`);
    if (!isName(v.node)) throw bad("node");
    for (const f of ["generation", "seq", "viewId", "members"] as const) if (!isCount(v[f])) throw bad(f);
    if (!Array.isArray(v.hears) || !v.hears.every(isName)) throw bad("hears");
    const seen = v.seen as Record<string, unknown> | undefined;
    if (typeof seen !== "object" || seen === null || !Object.values(seen).every(isCount)) throw bad("seen");
    if (v.dc !== undefined && !isName(v.dc)) throw bad("dc");
    if (typeof v.quorate !== "boolean") throw bad("quorate");
    return {
      node: v.node,
      generation: v.generation as number,
      seq: v.seq as number,
      viewId: v.viewId as number,
      hears: v.hears as string[],
      seen: { ...(seen as Record<string, number>) },
      ...(v.dc !== undefined ? { dc: v.dc } : {}),
      quorate: v.quorate,
      members: v.members as number,
    };
  });
}
