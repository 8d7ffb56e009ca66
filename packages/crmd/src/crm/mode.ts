/**
 * CRM mode of hbxd (ha.cf `crm on|yes|respawn`): the adapters around the cores. Every node runs
 * its LRM behind the "lrm" channel and keeps the DC's CIB (each version broadcast on "cib",
 * stale ones refused); the node the membership core elects DC also runs the DcLoop.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { Bus, TRANSPORT_BUS_CONFIG, createTransportLink, followLiveness } from "@hbx/bus";
import type { CcmCore, CcmEffect } from "@hbx/ccm";
import {
  CibStore,
  TRUSTED_XML_LIMITS,
  type XmlElement,
  XmlSyntaxError,
  assertWritableCib,
  cibDigest,
  findNodeState,
  getTransientAttribute,
  compareVersions,
  formatVersion,
  parseXml,
  readVersion,
  serializeXml,
} from "@hbx/cib";
import { type OperationResult, OperationRunner } from "@hbx/lrm";
import { recordResultLogged } from "./failcount.js";
import {
  type JoinReply,
  adoptReportedHistory,
  decodeJoinReply,
  encodeJoinReply,
  unrecordedResults,
} from "./join.js";
import { LocalLrm } from "./local-lrm.js";
import type { HaCf, HeartbeatTransport } from "@hbx/transport";
import { DcLoop, warmScheduler } from "./dc.js";
import { type CcmWiring, createCcm, wireCcm } from "./ccm-wire.js";
import { loadInitialCib } from "./initial-cib.js";
import { applyDiff, readDiff, versionPayload } from "./cib-diff.js";
import {
  type ConfigReport,
  adoptConfiguration,
  compareConfig,
  configReport,
  describeConfig,
  divergentConfigs,
  keepTerm,
  newerConfigSource,
  olderTerm,
  readTerm,
  writeTerm,
} from "./config-merge.js";
import { type ShutdownOutcome, shutDownCleanly } from "./shutdown.js";
import { unpackCluster } from "@hbx/pengine";
import { LRM_CHANNEL, decodeRequest, decodeResult, encodeRequest, encodeResult } from "./lrm-wire.js";
import {
  adoptLrmInstances,
  effectiveQuorum,
  noQuorumPolicy,
  ensureNodeEntries,
  writeClusterAttrs,
  writeNodeStates,
} from "./status.js";
import { CibReplaceError, type ClientWriteOptions, crmIpcHandlers } from "./ipc-ops.js";
import {
  CibWriteError,
  type CibWriteRefusal,
  applyClientPatch,
  checkReplace,
  quorumRefusal,
} from "./cib-writes.js";
import { ClientWriteQueue } from "./write-queue.js";
import { type StatusRequest, applyStatusRequest } from "./status-ops.js";
import { IpcError } from "../ipc/protocol.js";

export const CIB_CHANNEL = "cib";
/**
 * A new version as a format-2 patchset from the one the DC sent before (cib-diff.ts); sent to
 * all, or as a request to each member when a client's write waits for a majority (the reply,
 * "stored", comes once the member holds the version).
 */
export const CIB_DIFF_CHANNEL = "cib-diff";
export const CIB_SYNC_CHANNEL = "cib-sync";
/** cib.replace / cib.patch forwarded to the DC (JSON {xml|patch, force}; reply WriteReply). */
export const CIB_REPLACE_CHANNEL = "cib-replace";
export const CIB_PATCH_CHANNEL = "cib-patch";
export const JOIN_CHANNEL = "crm-join";
/**
 * A member that has just (again) taken a DC asks it for a join: the DC's membership may never
 * have seen it go (it installed a view of its own through a one-way fault, stopped what it ran
 * there, and came back), so the DC would keep its stale history.
 */
export const REJOIN_CHANNEL = "crm-rejoin";
/** cib.status-update / cib.cleanup forwarded to the DC (JSON {req: StatusRequest, force}). */
export const CIB_STATUS_CHANNEL = "cib-status";
/** A node reports a changed recurring result to the DC. */
export const LRM_EVENT_CHANNEL = "lrm-event";
/** A node that finished its clean shutdown tells its peers it is gone (no deadtime to wait). */
export const LEAVE_CHANNEL = "crm-leave";
/** The DC's whole CIB, sent to a node as it joins; authoritative (Pacemaker's join sync). */
export const CIB_PUSH_CHANNEL = "cib-push";
/** How long the DC gathers a transition's result versions into one broadcast. */
export const BROADCAST_COALESCE_MS = 20;

export interface CrmModeOptions {
  heartbeat: HeartbeatTransport;
  hacf: HaCf;
  haDir: string;
  stateDir: string;
  log: Logger;
  /** Runs this node's agent operations; a simulator passes one with a simulated executor. */
  runner?: OperationRunner;
}

/** What the DC answers a forwarded client write. */
type WriteReply =
  { ok: true; version: string } | { ok: false; message: string; reason?: CibWriteRefusal; xpath?: string };

const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");

export class CrmMode {
  readonly store: CibStore;
  readonly bus: Bus;
  readonly ccm: CcmCore;
  readonly self: string;
  private readonly lrm: LocalLrm;
  private readonly log: Logger;
  private dcLoop?: DcLoop;
  private readonly detach: (() => void)[] = [];

  private constructor(
    private readonly opts: CrmModeOptions,
    store: CibStore,
  ) {
    this.store = store;
    this.self = opts.heartbeat.name;
    this.log = opts.log.child({ component: "crm" });
    this.lrm = new LocalLrm(opts.runner ?? new OperationRunner(), (r) => this.reportToDc(r));
    this.ccm = createCcm(opts.heartbeat, opts.hacf);
    this.bus = new Bus({
      self: this.self,
      link: createTransportLink(opts.heartbeat),
      peers: opts.hacf.nodes.filter((n) => n !== this.self),
      config: TRANSPORT_BUS_CONFIG,
      logger: opts.log.child({ component: "bus" }),
    });
  }

  /**
   * Open the node's CIB store (<state-dir>/cib); a newer <ha-dir>/cib.xml becomes its current
   * version if it is a valid CIB (see loadInitialCib).
   */
  static async start(opts: CrmModeOptions): Promise<CrmMode> {
    const store = await CibStore.open(join(opts.stateDir, "cib"), { logger: opts.log });
    const initial = join(opts.haDir, "cib.xml");
    if (existsSync(initial)) await loadInitialCib(store, initial, opts.log);
    const mode = new CrmMode(opts, store);
    mode.wire();
    return mode;
  }

  get dc(): string | undefined {
    return this.ccm.view().dc;
  }

  get isDc(): boolean {
    return this.dc === this.self;
  }

  private wire(): void {
    const hb = this.opts.heartbeat;
    this.detach.push(followLiveness(hb, this.bus));

    this.bus.on(LRM_CHANNEL, async (msg) => {
      const req = decodeRequest(text(msg.payload));
      // Only this node's DC runs operations here: a DC whose agreed set this node is not in (two
      // DCs after a heal) would otherwise start here what this node's DC runs elsewhere.
      if (msg.from !== this.dc)
        throw new Error(
          `${req.rscId} ${req.action} from ${msg.from} refused: the DC here is ${this.dc ?? "(none)"}`,
        );
      // A node on its way out takes nothing new on (a DC that has not yet heard it left).
      if (this.leaving && !["stop", "cancel", "monitor"].includes(req.action))
        throw new Error(`${this.self} is shutting down: ${req.rscId} ${req.action} refused`);
      this.log.info(
        { from: msg.from, rsc: req.rscId, op: req.action },
        `LRM ${req.rscId} ${req.action} for ${msg.from}`,
      );
      const result = await this.lrm.run(req);
      // The DC that asked lost the role meanwhile: the current one records the result instead.
      if (msg.from !== this.dc) this.reportToDc(result);
      return encodeResult(result);
    });
    this.bus.on(LRM_EVENT_CHANNEL, (msg) => this.recordEvent(msg.from, decodeResult(text(msg.payload))));
    // A version from outside the agreed membership (a minority's DC) is not followed.
    this.bus.on(CIB_CHANNEL, (msg) => {
      if (this.ccm.view().members.includes(msg.from)) this.receiveCib(msg.from, text(msg.payload));
    });
    this.bus.on(CIB_DIFF_CHANNEL, (msg) =>
      this.ccm.view().members.includes(msg.from)
        ? this.receiveDiff(msg.from, text(msg.payload))
        : "not a member",
    );
    // The DC's copy, pushed when this node joined: taken even when this node's counter ran ahead.
    this.bus.on(CIB_PUSH_CHANNEL, (msg) => {
      this.receiveCib(msg.from, text(msg.payload), msg.from === this.dc);
    });
    this.bus.on(LEAVE_CHANNEL, (msg) => {
      this.log.info({ node: msg.from }, `${msg.from} shut down cleanly and left the cluster`);
      this.membership?.step({ type: "node", node: msg.from, up: false });
    });
    // The DC asks every member which LRM instance it runs (the node's heartbeat generation).
    this.bus.on(JOIN_CHANNEL, () => encodeJoinReply(this.joinReply()));
    this.bus.on(REJOIN_CHANNEL, (msg) => {
      if (!this.isDc || !this.dcLoop || !this.ccm.view().members.includes(msg.from)) return;
      this.answered.delete(msg.from);
      this.membershipToCib([msg.from]);
    });
    this.bus.on(CIB_SYNC_CHANNEL, () => serializeXml(this.store.current().document));
    this.bus.on(CIB_REPLACE_CHANNEL, (msg) => {
      const { xml, force } = JSON.parse(text(msg.payload)) as { xml: string; force: boolean };
      return CrmMode.answer(() => this.replaceOnDc(xml, { force }));
    });
    this.bus.on(CIB_PATCH_CHANNEL, (msg) => {
      const { patch, force, bump } = JSON.parse(text(msg.payload)) as {
        patch: string;
        force: boolean;
        bump?: boolean;
      };
      return CrmMode.answer(() => this.patchOnDc(patch, { force, bump }));
    });
    this.bus.on(CIB_STATUS_CHANNEL, (msg) => {
      const { req, force } = JSON.parse(text(msg.payload)) as { req: StatusRequest; force: boolean };
      return CrmMode.answer(async () => this.modifyStatusOnDc(req, { force }));
    });
    // Agreed membership: liveness and the peers' views in, membership and DC changes out.
    const membership = wireCcm({
      ccm: this.ccm,
      hb,
      keepaliveMs: this.opts.hacf.keepaliveMs,
      log: this.log.child({ component: "ccm" }),
      apply: (effects) => this.apply(effects),
    });
    this.membership = membership;
    this.detach.push(() => membership.detach());
  }

  private membership?: CcmWiring;
  private warmed = false;

  /** A node that is not DC compiles the scheduler once, in idle time (dc.ts warmScheduler). */
  private warmUpOnce(): void {
    if (this.warmed) return;
    this.warmed = true;
    const t = setTimeout(() => {
      if (!this.leaving && !this.isDc) warmScheduler(this.store.current().document, this.log);
    }, 1000);
    t.unref?.();
    this.detach.push(() => clearTimeout(t));
  }
  /** Set once a clean shutdown has moved everything away: membership and DC changes no longer matter here. */
  private leaving = false;

  private apply(effects: CcmEffect[]): void {
    if (this.leaving) return;
    for (const e of effects) {
      // Views go out through the ccm wiring (and again every keepalive).
      if (e.type === "publish") continue;
      if (e.type === "membership") {
        this.log.info(
          { members: e.view.members, joined: e.joined, left: e.left, quorate: e.view.quorate },
          `membership: ${e.view.members.join(" ")}`,
        );
        // A DC that lost quorum takes a new term when it regains it (config-merge.ts).
        if (!e.view.quorate) this.termTaken = false;
        // A node that left answers the join again when it returns: its copy may have moved on.
        for (const n of [...e.left, ...e.joined]) this.answered.delete(n);
        // Only a DC that finished taking over (synced the newest CIB) writes; becomeDc writes then.
        if (this.isDc && this.dcLoop) this.membershipToCib(e.joined, e.left.length > 0);
      } else {
        this.log.info({ dc: e.dc, previous: e.previous }, `DC is ${e.dc ?? "(none)"}`);
        // A new DC starts its patches from a whole CIB: what the members hold is unknown.
        this.replicated = undefined;
        this.termTaken = false;
        this.reportedTerm = 0;
        this.answered.clear();
        if (e.isSelf) void this.becomeDc();
        else this.warmUpOnce();
        if (!e.isSelf && e.dc)
          this.bus
            .send(REJOIN_CHANNEL, e.dc, "")
            .catch((err: Error) => this.log.debug({ err: err.message }, `rejoin: ${err.message}`));
        if (!e.isSelf && this.dcLoop) {
          this.dcLoop.stop();
          this.dcLoop = undefined;
        }
      }
    }
  }

  /** Take the newest CIB any member holds (Pacemaker's DC join sync), then write the membership. */
  private async becomeDc(): Promise<void> {
    const peers = this.ccm.view().members.filter((n) => n !== this.self);
    const copies = await Promise.allSettled(
      peers.map((p) => this.bus.request(CIB_SYNC_CHANNEL, p, "", 2000)),
    );
    for (const c of copies) if (c.status === "fulfilled") this.receiveCib("sync", text(c.value));
    if (!this.isDc || this.dcLoop) return;
    const loop: DcLoop = new DcLoop({
      current: () => this.store.current().document,
      // A transition's results come in bursts: their versions go out as one broadcast. A loop
      // that lost the DC role records nothing: its late results go to the new DC (below).
      update: (fn, operation) => {
        if (this.dcLoop === loop) this.commit(fn, operation, true);
      },
      runOnNode: async (node, req) => {
        if (node !== this.self)
          return decodeResult(
            text(await this.bus.request(LRM_CHANNEL, node, encodeRequest(req), req.timeoutMs + 5000)),
          );
        const result = await this.lrm.run(req);
        if (this.dcLoop !== loop) this.reportToDc(result);
        return result;
      },
      log: this.log.child({ component: "dc" }),
      self: this.self,
    });
    this.dcLoop = loop;
    // A new DC follows a lost one (or the cluster's start): what it ran must start at once.
    this.membershipToCib(this.ccm.view().members, true);
  }

  /**
   * The DC writes node entries, node_state and quorum. A node's LRM history is only true for the
   * LRM instance that recorded it: a member whose instance (heartbeat generation) differs from
   * the one recorded in its node_state restarted, nothing it ran before runs now, so its history
   * is cleared (the clean-status rule that stands in for probes). Runs one at a time.
   */
  private membershipToCib(joined: readonly string[], lost = false): void {
    this.joinChain = this.joinChain
      .then(() => this.join(joined, lost))
      .catch((e: Error) => this.log.error({ err: e.message }, `join failed: ${e.message}`));
  }

  private joinChain: Promise<void> = Promise.resolve();
  /** This DC took its term for the quorate membership it holds (config-merge.ts). */
  private termTaken = false;
  /** The highest term the members reported to this DC at join, since it became DC. */
  private reportedTerm = 0;
  /** Members that answered this DC's join since they last joined (cleared when they leave). */
  private readonly answered = new Set<string>();
  /** Client writes waiting for a quorate DC to finish joining its members. */
  private readonly joinWaiters: Array<() => void> = [];

  /** Resolves once this DC has taken its term, or after `ms` (the write's gate then decides). */
  private joinSettled(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.joinWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async join(joined: readonly string[], lost = false): Promise<void> {
    const replies = new Map<string, JoinReply>([[this.self, this.joinReply()]]);
    const asked = await Promise.allSettled(
      joined
        .filter((n) => n !== this.self)
        .map(
          async (n) => [n, decodeJoinReply(text(await this.bus.request(JOIN_CHANNEL, n, "", 2000)))] as const,
        ),
    );
    for (const a of asked) if (a.status === "fulfilled") replies.set(a.value[0], a.value[1]);
    if (!this.isDc) return;
    // A merge keeps the newest configuration, whoever stays DC; a node whose newer copy could
    // not be fetched is asked again, and not overwritten by this DC's push meanwhile.
    const unfetched = await this.keepNewestConfiguration(replies);
    if (unfetched) replies.delete(unfetched);
    if (!this.isDc) return;
    const view = this.ccm.view();
    // A member that did not answer is asked again: until it does, this DC's copy of its history
    // may say it runs what it stopped on its own (when it lost quorum), and nothing restarts that.
    const unanswered = joined.filter((n) => !replies.has(n) && view.members.includes(n));
    if (unanswered.length > 0) {
      this.log.warn({ nodes: unanswered }, `no join reply from ${unanswered.join(" ")}: asking again`);
      setTimeout(() => {
        const members = this.ccm.view().members;
        const again = unanswered.filter((n) => members.includes(n));
        if (this.isDc && this.dcLoop && again.length > 0) this.membershipToCib(again);
      }, 1000);
    }
    const generations = new Map([...replies].map(([n, r]) => [n, r.generation]));
    // A DC that gained a quorate membership takes a new term, above any a member reports; not
    // before every node it asked has answered (a term a silent member holds could be taken
    // twice), so until then it takes no client writes (the gate in clientWrite).
    for (const [n, r] of replies) {
      this.reportedTerm = Math.max(this.reportedTerm, r.config?.term ?? 0);
      this.answered.add(n);
    }
    // Every member, not only this round's joiners: one whose join failed earlier may hold a term.
    const allAnswered = view.members.every((n) => this.answered.has(n));
    const newTerm =
      view.quorate && !this.termTaken && unanswered.length === 0 && allAnswered
        ? 1 + Math.max(readTerm(this.store.current().document), this.reportedTerm)
        : undefined;
    if (newTerm !== undefined) {
      this.termTaken = true;
      this.log.info({ term: newTerm, members: view.members }, `DC term ${newTerm}`);
    }
    // Writes waiting for the join go on once this version (with the term) is stored, below.
    if (this.termTaken) setImmediate(() => this.joinWaiters.splice(0).forEach((w) => w()));
    this.commit((doc) => {
      if (newTerm !== undefined) writeTerm(doc, newTerm);
      ensureNodeEntries(doc, this.opts.hacf.nodes);
      writeNodeStates(doc, view.members, this.opts.hacf.nodes, this.self);
      adoptLrmInstances(doc, generations);
      writeClusterAttrs(doc, effectiveQuorum(doc, view));
      // Recurring results no DC recorded (reported while the DC role moved): recorded now, with
      // their fail-counts, so a monitor that failed meanwhile is recovered. Then the node's own
      // account of its LRM replaces the DC's copy of its history.
      for (const [node, reply] of replies) {
        const unrecorded = unrecordedResults(doc, node, reply.monitors);
        if (reply.history) {
          const changed = adoptReportedHistory(doc, node, reply.history);
          if (changed.length > 0)
            this.log.info(
              { node, resources: changed },
              `history of ${changed.join(" ")} on ${node} taken from ${node}'s own LRM at join`,
            );
        }
        for (const result of unrecorded) {
          const req = result.request;
          this.log.warn(
            { node, rsc: req.rscId, op: req.action, rc: result.rc },
            `${req.rscId}_${req.action}_${req.intervalMs} on ${node}: rc=${result.rc} (reported at join)`,
          );
          recordResultLogged(doc, node, result, this.log);
        }
      }
    }, "membership");
    // Each joining node takes the DC's copy as it is, even if a partition ran its counter ahead;
    // only one that answered, whose configuration the DC has seen (and taken if newer): one
    // that did not answer is asked again first, and its copy may be the newer.
    const xml = serializeXml(this.store.current().document);
    for (const n of joined)
      if (n !== this.self && replies.has(n))
        this.bus
          .send(CIB_PUSH_CHANNEL, n, xml)
          .catch((e: Error) => this.log.warn({ node: n, err: e.message }, `CIB push to ${n}: ${e.message}`));
    // A lost node's resources are scheduled at once (failover time is the point); joins come in
    // bursts and are debounced.
    this.dcLoop?.kick("membership changed", lost ? 0 : undefined);
  }

  /** What this node answers a DC's join: its LRM instance and its own account of its LRM. */
  private joinReply(): JoinReply {
    return {
      generation: String(this.opts.heartbeat.generation),
      monitors: this.lrm.recurringResults(),
      history: { results: this.lrm.history.results(), lastCallId: this.lrm.history.highestCallId },
      config: configReport(this.store.current().document),
    };
  }

  /**
   * Take the configuration of the joining node that holds a newer one (config-merge.ts), as
   * Pacemaker's DC syncs from the member with the highest version while it finalizes a join;
   * log what was discarded, by version and digest. Returns the node whose newer copy could not
   * be fetched, if any.
   */
  private async keepNewestConfiguration(
    replies: ReadonlyMap<string, JoinReply>,
  ): Promise<string | undefined> {
    const reports = new Map<string, ConfigReport>();
    for (const [n, r] of replies) if (n !== this.self && r.config) reports.set(n, r.config);
    const own = configReport(this.store.current().document);
    for (const n of divergentConfigs(own, reports))
      this.log.warn(
        { node: n, version: formatVersion(own.version), kept: own.digest, discarded: reports.get(n)!.digest },
        `configuration ${describeConfig(reports.get(n)!)} on ${n} differs from the DC's ${describeConfig(own)} at the same version: the DC's is kept, ${n}'s discarded`,
      );
    const source = newerConfigSource(own, reports);
    if (!source) return undefined;
    let theirs: XmlElement;
    try {
      const xml = text(await this.bus.request(CIB_SYNC_CHANNEL, source.node, "", 2000));
      theirs = parseXml(xml, `CIB from ${source.node}`, TRUSTED_XML_LIMITS);
    } catch (e) {
      this.log.warn(
        { node: source.node, err: (e as Error).message },
        `cannot fetch the newer configuration ${describeConfig(source.report)} from ${source.node}: ${(e as Error).message}; asking again`,
      );
      return source.node;
    }
    if (!this.isDc) return undefined;
    const fetched = configReport(theirs);
    const mine = configReport(this.store.current().document);
    if (compareConfig(fetched, mine) <= 0) return undefined;
    this.log.warn(
      {
        from: source.node,
        discarded: formatVersion(mine.version),
        discardedDigest: mine.digest,
        taken: formatVersion(fetched.version),
        takenDigest: fetched.digest,
      },
      `configuration ${describeConfig(mine)} replaced by the newer ${describeConfig(fetched)} from ${source.node} at join`,
    );
    this.store.update((doc) => adoptConfiguration(doc, theirs), {
      client: `crmd@${source.node}`,
      operation: "join-sync",
      force: true,
      exact: true,
    });
    // Members that were not joining hold the DC's older configuration: they take this version.
    this.broadcast();
    return undefined;
  }

  /** A recurring operation's result changed here: the DC records it (and reschedules). */
  private reportToDc(result: OperationResult): void {
    const dc = this.dc;
    if (dc === this.self) return this.recordEvent(this.self, result);
    if (!dc) return;
    this.bus
      .send(LRM_EVENT_CHANNEL, dc, encodeResult(result))
      .catch((e: Error) => this.log.warn({ err: e.message }, `cannot report to the DC: ${e.message}`));
  }

  private recordEvent(node: string, result: OperationResult): void {
    if (!this.isDc || !this.dcLoop) return;
    const req = result.request;
    this.log.info(
      { node, rsc: req.rscId, op: req.action, rc: result.rc },
      `${req.rscId}_${req.action}_${req.intervalMs} on ${node}: rc=${result.rc}`,
    );
    this.commit(
      (doc) => {
        // Already recorded (a join picked it up first): counting it again would double the failure.
        if (unrecordedResults(doc, node, [result]).length > 0)
          recordResultLogged(doc, node, result, this.log);
      },
      `${req.action} ${req.rscId} on ${node}`,
      true,
    );
    this.dcLoop.kick(`${req.rscId} ${req.action} on ${node} rc=${result.rc}`);
  }

  /**
   * Change the CIB on the DC and broadcast the new version: at once, or with `coalesce` a few
   * milliseconds later together with the versions that follow (a transition's results: one
   * whole-CIB broadcast for a burst, not one each). A client's write is never coalesced, so a
   * tool that reads back what it wrote sees it on any node.
   */
  private commit(fn: (doc: XmlElement) => void, operation: string, coalesce = false): void {
    const r = this.store.update((doc) => void fn(doc), { client: "crmd", operation, force: true });
    if (!r.changed) return;
    if (!coalesce) this.broadcast();
    else this.broadcastTimer ??= setTimeout(() => this.broadcast(), BROADCAST_COALESCE_MS);
  }

  private broadcastTimer?: NodeJS.Timeout;

  /** Send the newest version to every node (and drop a coalesced broadcast: this one covers it). */
  private broadcast(): void {
    if (this.broadcastTimer) clearTimeout(this.broadcastTimer);
    this.broadcastTimer = undefined;
    const payload = this.nextPayload();
    this.bus
      .send(payload.kind === "diff" ? CIB_DIFF_CHANNEL : CIB_CHANNEL, null, payload.xml)
      .catch((e: Error) => this.log.warn({ err: e.message }, `CIB broadcast: ${e.message}`));
  }

  /** The version the DC last sent the members: the base of its next patch. */
  private replicated?: XmlElement;

  /** The current version as the members get it: a patch from the last one sent, or whole. */
  private nextPayload(): ReturnType<typeof versionPayload> {
    const doc = this.store.current().document;
    const payload = versionPayload(this.replicated, doc);
    this.replicated = doc;
    return payload;
  }

  /**
   * A patchset from the DC: applied when it fits the version held here and the digest after it
   * matches the DC's; otherwise the whole CIB is fetched from the DC. Answers "stored" once this
   * node holds the target version (or a newer one).
   */
  private async receiveDiff(from: string, xml: string): Promise<string> {
    // A whole CIB sent as a request (a client's write whose patch would not be smaller).
    if (xml.startsWith("<cib")) {
      return this.receiveCib(from, xml) ? "stored" : "refused";
    }
    let why: string;
    try {
      const diff = readDiff(xml, from);
      const outcome = applyDiff(this.store.current().document, this.store.currentVersion(), diff);
      if (outcome.kind === "held") return "stored";
      if (outcome.kind === "ahead") {
        this.log.warn(
          { from, version: formatVersion(diff.target) },
          `stale CIB patch to ${formatVersion(diff.target)} from ${from} refused (have ${formatVersion(this.store.currentVersion())})`,
        );
        return "refused";
      }
      if (outcome.kind === "applied") {
        this.store.replace(outcome.doc, {
          client: `crmd@${from}`,
          operation: "sync",
          force: true,
          exact: true,
        });
        return "stored";
      }
      why = outcome.why;
    } catch (e) {
      why = (e as Error).message;
    }
    this.log.info({ from, why }, `CIB patch from ${from} not applied (${why}): fetching the whole CIB`);
    try {
      const whole = text(await this.bus.request(CIB_SYNC_CHANNEL, from, "", 5000));
      return this.receiveCib(from, whole) ? "stored" : "refused";
    } catch (e) {
      this.log.warn(
        { from, err: (e as Error).message },
        `cannot fetch the CIB from ${from}: ${(e as Error).message}`,
      );
      return "failed";
    }
  }

  /**
   * A CIB from the DC (or a sync reply): taken when newer, refused when older; `authoritative`
   * (the DC's push at join) is taken whatever its version, logging what it replaced. True when
   * this node then holds that version (taken, or already held): what a "stored" reply says.
   */
  private receiveCib(from: string, xml: string, authoritative = false): boolean {
    const doc = parseXml(xml, `CIB from ${from}`, TRUSTED_XML_LIMITS);
    const incoming = readVersion(doc);
    // A configuration from an older DC term never replaces one from a newer (config-merge.ts):
    // a deposed DC that has not heard it was deposed would otherwise overwrite here what the
    // new DC wrote, and count this node toward a majority for its own write.
    const own = configReport(this.store.current().document);
    if (olderTerm(configReport(doc), own)) {
      this.log.warn(
        { from, version: formatVersion(incoming), term: readTerm(doc), have: own.term },
        `CIB ${formatVersion(incoming)} from ${from} refused: its configuration is from DC term ${readTerm(doc)}, this node holds term ${own.term}`,
      );
      return false;
    }
    const cmp = compareVersions(incoming, this.store.currentVersion());
    if (cmp < 0 && !authoritative) {
      this.log.warn(
        { from, version: formatVersion(incoming) },
        `stale CIB ${formatVersion(incoming)} from ${from} refused (have ${formatVersion(this.store.currentVersion())})`,
      );
      return false;
    }
    if (cmp === 0 && cibDigest(doc) === cibDigest(this.store.current().document)) return true;
    if (cmp <= 0) {
      // The DC's copy is the cluster's, even when this node's counter ran ahead (it was cut off
      // and its own partition wrote status): keeping ours would split the cluster for good.
      const discarded = formatVersion(this.store.currentVersion());
      const discardedDigest = cibDigest(this.store.current().document);
      this.log.warn(
        { from, discarded, discardedDigest, taken: formatVersion(incoming), takenDigest: cibDigest(doc) },
        `CIB ${discarded} (digest ${discardedDigest}) replaced by the DC's ${formatVersion(incoming)} from ${from}`,
      );
    }
    this.store.replace(doc, { client: `crmd@${from}`, operation: "sync", force: true, exact: true });
    return true;
  }

  /** cib.replace on the DC: schema-checked, then a compare-and-swap on the configuration version. */
  async replaceOnDc(xml: string, opts: ClientWriteOptions = {}): Promise<string> {
    const incoming = await assertWritableCib(xml, "cib.replace", { since: this.store.current().document });
    // Only <cib>'s DC-owned attributes and the status differ from what was validated.
    return this.clientWrite(
      "replace",
      opts,
      (current) => checkReplace(current, incoming, opts.force === true),
      false,
    );
  }

  /** cib.replace anywhere: on the DC directly, else forwarded to it over the bus. */
  async replace(xml: string, opts: ClientWriteOptions = {}): Promise<string> {
    if (this.isDc) return this.replaceOnDc(xml, opts);
    return this.forwardWrite(CIB_REPLACE_CHANNEL, { xml, force: opts.force === true });
  }

  /** cib.patch on the DC: applied to the current CIB in arrival order, schema-checked. */
  async patchOnDc(xml: string, opts: ClientWriteOptions = {}): Promise<string> {
    let patch: XmlElement;
    try {
      patch = parseXml(xml, "cib.patch");
    } catch (e) {
      if (e instanceof XmlSyntaxError) throw new CibWriteError("invalid", e.message);
      throw e;
    }
    return this.clientWrite("patch", opts, (current) => applyClientPatch(current, patch), true);
  }

  /** cib.patch anywhere: on the DC directly, else forwarded to it over the bus. */
  async patch(xml: string, opts: ClientWriteOptions = {}): Promise<string> {
    if (this.isDc) return this.patchOnDc(xml, opts);
    return this.forwardWrite(CIB_PATCH_CHANNEL, {
      patch: xml,
      force: opts.force === true,
      bump: opts.bump === true,
    });
  }

  /** Client writes on the DC, in arrival order, those that arrive together in one version. */
  private readonly writes = new ClientWriteQueue({
    current: () => this.store.current(),
    currentVersion: () => this.store.currentVersion(),
    check: async (doc, since, source) => void (await assertWritableCib(doc, source, { since })),
    commit: (doc, operation, bump) => {
      let r = this.store.replace(doc, { client: "client", operation, force: true });
      // cibadmin -B: epoch + 1 though nothing else changed.
      if (bump && !r.changed) r = this.store.bump({ client: "client" });
      const version = formatVersion(r.version);
      if (r.changed) {
        // Every write batched into this version waits for the same delivery; the entry goes a
        // turn after it settles, once those writers (resumed by the same commit) have read it.
        const delivery = this.sendToMembers();
        this.deliveries.set(version, delivery);
        void delivery.finally(() => setImmediate(() => this.deliveries.delete(version)));
      }
      this.dcLoop?.kick(`CIB ${operation}`);
      return version;
    },
  });

  /**
   * A client's write on the DC: refused without quorum, made from the DC's current CIB by
   * `produce`, checked (assertWritableCib), stored (SQLite, synchronous=FULL), sent to the
   * members and acknowledged with the new version once a majority holds it (below).
   */
  private async clientWrite(
    operation: string,
    opts: ClientWriteOptions,
    produce: (current: XmlElement) => XmlElement,
    check: boolean,
  ): Promise<string> {
    // A quorate DC still joining its members takes the write once it has (bounded: the gate
    // below refuses it if the join takes longer).
    if (this.isDc && this.ccm.view().quorate && !this.termTaken) await this.joinSettled(5000);
    const quorate = this.ccm.view().quorate;
    const version = await this.writes.submit({
      operation,
      produce: (current) => {
        const next = produce(current);
        keepTerm(next, current);
        return next;
      },
      check,
      alone: operation === "replace" || opts.bump === true,
      bump: opts.bump === true,
      gate: () => {
        // A DC still taking over (syncing the newest CIB) takes no writes yet; the tools wait.
        if (!this.isDc || !this.dcLoop)
          return new CibReplaceError("failed", `${this.self} is not the DC: no DC elected yet`);
        // Until it has taken the newest configuration of the members it joined, and its term, a
        // write here could be stored under versions a joiner's newer copy then replaces.
        if (this.ccm.view().quorate && !this.termTaken)
          return new CibReplaceError(
            "failed",
            `the DC (${this.self}) is still joining the members: try again`,
          );
        // The common case without a copy of the CIB: quorate, or forced.
        const view = this.ccm.view();
        if (opts.force === true || view.quorate) return undefined;
        return quorumRefusal(this.store.current().document, view, false);
      },
    });
    // Acknowledged once a majority of the configured nodes (this one included) holds it, so a
    // DC cut off within its deadtime, or dying right after, cannot lose an acknowledged write
    // at the heal. A write taken without quorum (forced, or no-quorum-policy) has no majority to
    // wait for: it is acknowledged once stored here.
    const delivery = this.deliveries.get(version);
    if (!quorate || !delivery) return version;
    const reached = await delivery;
    const needed = this.othersForMajority();
    if (reached.length < needed)
      throw new CibReplaceError(
        "failed",
        `write stored on the DC as ${version} but confirmed by ${reached.length} of the ${needed} other node(s) a majority needs (${reached.join(" ") || "none"}): it may be lost if this partition loses`,
      );
    return version;
  }

  /** How many other nodes, with this one, make a majority of the configured nodes. */
  private othersForMajority(): number {
    return Math.floor(this.opts.hacf.nodes.length / 2);
  }

  /** Client-written versions on their way to the members: the peers that confirmed each. */
  private readonly deliveries = new Map<string, Promise<string[]>>();

  /**
   * Send the current CIB to every other member; resolves with the members that stored it, as
   * soon as a majority's worth of them did (the rest still get it), or once every member has
   * answered or failed: a slow or dying member does not hold the write up.
   */
  private sendToMembers(): Promise<string[]> {
    if (this.broadcastTimer) clearTimeout(this.broadcastTimer);
    this.broadcastTimer = undefined;
    const payload = this.nextPayload();
    const peers = this.ccm.view().members.filter((n) => n !== this.self);
    const needed = this.othersForMajority();
    return new Promise((resolve) => {
      const stored: string[] = [];
      let settled = 0;
      const done = () => {
        if (stored.length >= needed || settled === peers.length) resolve([...stored]);
      };
      if (peers.length === 0) return resolve([]);
      for (const p of peers)
        // A request, patch or whole CIB: its reply says the member stored the version (a
        // member whose counter ran ahead refuses it, and does not count).
        this.bus
          .request(CIB_DIFF_CHANNEL, p, payload.xml, 10_000)
          .then(
            (r) => void (text(r) === "stored" && stored.push(p)),
            (e: Error) => this.log.warn({ node: p, err: e.message }, `CIB to ${p}: ${e.message}`),
          )
          .finally(() => {
            settled++;
            done();
          });
    });
  }

  /** A client write sent to the DC; its refusal comes back as the same CibWriteError. */
  private async forwardWrite(channel: string, body: Record<string, unknown>): Promise<string> {
    const dc = this.dc;
    if (!dc) throw new CibReplaceError("failed", "no DC elected yet");
    const reply = JSON.parse(
      text(await this.bus.request(channel, dc, JSON.stringify(body), 15_000)),
    ) as WriteReply;
    if (reply.ok) return reply.version;
    if (reply.reason) throw new CibWriteError(reply.reason, reply.message, reply.xpath);
    throw new CibReplaceError("failed", reply.message);
  }

  /** A forwarded write's answer to the node that forwarded it. */
  private static async answer(fn: () => Promise<string>): Promise<string> {
    let reply: WriteReply;
    try {
      reply = { ok: true, version: await fn() };
    } catch (e) {
      const err = e as Error;
      reply =
        e instanceof CibWriteError
          ? { ok: false, message: err.message, reason: e.reason, xpath: e.xpath }
          : { ok: false, message: err.message };
    }
    return JSON.stringify(reply);
  }

  /** A status change on the DC: applied in one version, broadcast, rescheduled. */
  async modifyStatusOnDc(req: StatusRequest, opts: ClientWriteOptions = {}): Promise<string> {
    if (!this.isDc || !this.dcLoop) throw new IpcError("failed", `${this.self} is not the DC`);
    const refusal = quorumRefusal(this.store.current().document, this.ccm.view(), opts.force === true);
    if (refusal) throw refusal;
    let nodes: string[] = [];
    // Through the client write queue, so concurrent status writes share one version; the
    // status is outside the schema's checks (any content), so no check is needed.
    const produce = (doc: XmlElement) => ((nodes = applyStatusRequest(doc, req)), doc);
    const version = await this.clientWrite(req.op, opts, produce, false);
    this.log.info({ req, nodes }, `${req.op} on ${nodes.join(" ") || "(nothing to change)"}`);
    return version;
  }

  /** cib.status-update / cib.cleanup anywhere: on the DC directly, else forwarded to it. */
  async modifyStatus(req: StatusRequest, opts: ClientWriteOptions = {}): Promise<string> {
    if (this.isDc) return this.modifyStatusOnDc(req, opts);
    return this.forwardWrite(CIB_STATUS_CHANNEL, { req, force: opts.force === true });
  }

  private stopping?: Promise<ShutdownOutcome>;

  /**
   * Clean shutdown (SIGTERM, SIGINT): the DC moves or stops what runs here, then the node tells
   * its peers it left. Idempotent: a second signal waits for the same shutdown.
   */
  shutdown(): Promise<ShutdownOutcome> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<ShutdownOutcome> {
    let escalationMs = 20 * 60_000;
    try {
      escalationMs = unpackCluster(this.store.current().document).options.shutdownEscalationMs;
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, `shutdown-escalation unreadable, 20 min used`);
    }
    const log = this.log.child({ component: "shutdown" });
    const outcome = await shutDownCleanly({
      // The node's own state, not a client's write: a partition without quorum still records it.
      requestShutdown: async () => {
        await this.modifyStatus(
          {
            op: "cib.status-update",
            node: this.self,
            set: { shutdown: String(Math.floor(Date.now() / 1000)) },
          },
          { force: true },
        );
      },
      shutdownRecorded: () => {
        const state = findNodeState(this.store.current().document, this.self);
        const v = state ? getTransientAttribute(state, "shutdown") : undefined;
        return v !== undefined && v !== "" && v !== "0";
      },
      active: () => this.lrm.history.active(),
      // A DC moves resources when its partition has quorum, or when no-quorum-policy=ignore says
      // it may act without.
      dcCanAct: () => {
        const doc = this.store.current().document;
        return (
          this.dc !== undefined && (effectiveQuorum(doc, this.ccm.view()) || noQuorumPolicy(doc) === "ignore")
        );
      },
      dcBusy: () => this.isDc && this.dcLoop !== undefined && this.dcLoop.transitionRunning(),
      stopLocally: async () => {
        for (const req of this.lrm.history.stopRequests()) {
          const r = await this.lrm.run(req);
          log.info({ rsc: req.rscId, rc: r.rc }, `${req.rscId} stopped here: rc=${r.rc}`);
        }
      },
      log,
      escalationMs,
      noDcGraceMs: this.opts.hacf.deadtimeMs * 2,
    });
    // From here on this node only leaves: no DC work, no new operations, whatever the membership says.
    this.leaving = true;
    this.dcLoop?.stop();
    this.dcLoop = undefined;
    // Peers drop this node from the agreed set (its last view hears nobody), then mark it gone
    // at once instead of waiting for its heartbeats to stop.
    this.membership?.leave();
    await Promise.race([
      this.bus
        .send(LEAVE_CHANNEL, null, "")
        .catch((e: Error) => log.warn({ err: e.message }, `leave: ${e.message}`)),
      new Promise((r) => setTimeout(r, 1000)),
    ]);
    return outcome;
  }

  ipcHandlers() {
    return crmIpcHandlers(this);
  }

  async stop(): Promise<void> {
    this.dcLoop?.stop();
    if (this.broadcastTimer) this.broadcast();
    for (const d of this.detach) d();
    this.lrm.stop();
    await this.bus.close();
    this.store.close();
  }
}
