import { type StateAnnouncement } from "./messages.js";
import { type NodeView } from "./placement.js";
import { type GroupId, type GroupState, type NodeName } from "./types.js";

/**
 * What this node knows of one peer: liveness from the heartbeat layer, holdings from the peer's
 * own announcements. A peer that dies holds nothing (its resources died with it, as Heartbeat
 * v1 assumes without STONITH), and nothing it sent before dying counts afterwards.
 */
export class Peer implements NodeView {
  status: "unknown" | "up" | "down" = "unknown";
  generation: number | undefined;
  /** The incarnation whose announcements we hold. */
  inc: string | undefined;
  /** Incarnations seen dead: their late messages are dropped. */
  readonly deadIncs = new Set<string>();
  known = false;
  shuttingDown = false;
  groups = new Map<GroupId, GroupState>();
  declined: ReadonlySet<GroupId> = new Set();
  failed: ReadonlySet<GroupId> = new Set();

  constructor(readonly name: NodeName) {}

  get up(): boolean {
    return this.status === "up";
  }

  get ready(): boolean {
    return this.up && this.known;
  }

  state(group: GroupId): GroupState | undefined {
    return this.groups.get(group);
  }

  /** Forget the current incarnation: it died or was replaced by a restart. */
  forget(): void {
    if (this.inc !== undefined) this.deadIncs.add(this.inc);
    this.inc = undefined;
    this.known = false;
    this.shuttingDown = false;
    this.groups = new Map();
    this.declined = new Set();
    this.failed = new Set();
  }

  /** Take an announcement (the caller has checked the incarnation). */
  apply(s: StateAnnouncement): void {
    this.inc = s.inc;
    this.known = true;
    this.groups = new Map(s.groups);
    this.declined = s.declined;
    this.failed = s.failed;
    this.shuttingDown = s.shuttingDown;
  }
}
