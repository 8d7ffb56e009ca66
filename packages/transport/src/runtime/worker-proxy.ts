import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import pino, { type Logger } from "pino";
import type { HbMessage } from "../codec/index.js";
import type { Authkeys } from "../config/index.js";
import type { LinkName, NodeName } from "../liveness/types.js";
import { planLinks } from "../adapters/udp.js";
import { nextGeneration } from "./persist.js";
import type { HeartbeatNodeOptions } from "./node.js";
import type {
  HeartbeatNodeEvents,
  HeartbeatTransport,
  LinkFaultSettings,
  NodeSnapshot,
  SendStats,
} from "./transport.js";
import { fromPlain, toPlain, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.js";

export interface HeartbeatWorkerOptions extends Omit<HeartbeatNodeOptions, "generation"> {
  /** The worker's module; default: heartbeat-worker.js beside this module (see workerFile). */
  workerFile?: string;
}

/**
 * The compiled worker beside this module. Run from source (vitest), this module is a .ts file
 * with no .js sibling, so the package's dist/ copy of the same path is used: build it first.
 */
export function workerFile(): string {
  const beside = fileURLToPath(new URL("./heartbeat-worker.js", import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL("../../dist/runtime/heartbeat-worker.js", import.meta.url));
}

/**
 * The heartbeat layer on its own thread, seen from the main thread: the same surface as
 * HeartbeatNode. The worker owns the sockets, signing, the liveness core and the keepalive
 * timer; this proxy forwards sends, re-emits events, and keeps the latest snapshot (sent with
 * every status change) so cl_status gets an answer without a round trip.
 */
export class HeartbeatWorker extends EventEmitter<HeartbeatNodeEvents> implements HeartbeatTransport {
  readonly name: NodeName;
  readonly generation: number;
  private readonly log: Logger;
  private readonly links: LinkName[];
  private worker?: Worker;
  private latest: NodeSnapshot[] = [];
  private statsId = 0;
  private readonly statsWaiting = new Map<number, (s: SendStats) => void>();
  private stopping?: Promise<void>;
  private running = false;
  private exited = false;

  constructor(private readonly opts: HeartbeatWorkerOptions) {
    super();
    this.name = opts.nodeName.toLowerCase();
    this.log = opts.logger.child({ component: "transport" });
    // Taken here, not in the worker, so `generation` is known as soon as hbxd builds its modes.
    this.generation = nextGeneration(opts.stateDir);
    this.links = planLinks(opts.hacf.media).map((l) => l.name);
  }

  async start(): Promise<void> {
    const init: WorkerInit = {
      hacf: this.opts.hacf,
      authkeys: this.opts.authkeys,
      nodeName: this.opts.nodeName,
      stateDir: this.opts.stateDir,
      bindAddress: this.opts.bindAddress,
      format: this.opts.format,
      generation: this.generation,
      logLevel: this.opts.logger.level,
      logBindings: this.opts.logger.bindings(),
    };
    const worker = new Worker(this.opts.workerFile ?? workerFile(), { workerData: init, name: "heartbeat" });
    this.worker = worker;
    const destination = (this.opts.logger as unknown as Record<symbol, { write?: (s: string) => void }>)[
      pino.symbols.streamSym
    ];
    const started = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: FromWorker) => {
        switch (m.ev) {
          case "log":
            if (destination?.write) destination.write(m.line);
            break;
          case "started":
            this.latest = m.snapshot;
            this.running = true;
            resolve();
            break;
          case "failed":
            reject(new Error(m.message));
            this.fail(new Error(`heartbeat thread: ${m.message}`));
            break;
          default:
            this.dispatch(m);
        }
      });
      worker.once("error", (e) => {
        reject(e);
        this.fail(e);
      });
      worker.once("exit", (code) => {
        this.exited = true;
        if (!this.stopping) this.fail(new Error(`heartbeat thread exited with code ${code}`));
      });
    });
    this.post({ op: "start" });
    await started;
  }

  private dispatch(m: FromWorker): void {
    switch (m.ev) {
      case "node-status":
        this.latest = m.snapshot;
        this.emit("node-status", m.node, m.status, m.previous);
        break;
      case "link-status":
        this.latest = m.snapshot;
        this.emit("link-status", m.node, m.link, m.status, m.previous);
        break;
      case "node-restarted":
        this.latest = m.snapshot;
        this.emit("node-restarted", m.node, m.generation);
        break;
      case "message":
        this.emit("message", fromPlain(m.fields), m.from, m.link);
        break;
      case "send-stats":
        this.statsWaiting.get(m.id)?.(m.stats);
        this.statsWaiting.delete(m.id);
        break;
      default:
        break;
    }
  }

  /**
   * A node whose heartbeat thread is gone looks dead to its peers, which then take over what
   * it runs: carrying on would run services twice. The error goes to "error" listeners, and
   * with none (hbxd has none) it ends the process, as an uncaught error does.
   */
  private fail(e: Error): void {
    // Before start resolved, the error is start's own rejection (a port in use, say).
    if (this.stopping || !this.running) {
      if (!this.running) void this.worker?.terminate();
      return;
    }
    this.log.fatal({ err: e.message }, `heartbeat thread failed: ${e.message}`);
    (this as EventEmitter).emit("error", e);
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const w = this.worker;
      if (!w || this.exited) return resolve();
      w.once("exit", () => resolve());
      w.on("message", (m: FromWorker) => {
        if (m.ev === "stopped" || m.ev === "failed") void w.terminate();
      });
      this.post({ op: "stop" });
    });
    return this.stopping;
  }

  sendCluster(msg: HbMessage, to?: NodeName): void {
    this.post({ op: "send", fields: toPlain(msg), to });
  }

  snapshot(): NodeSnapshot[] {
    return this.latest;
  }

  linkNames(): LinkName[] {
    return [...this.links];
  }

  setAuthkeys(authkeys: Authkeys): void {
    this.post({ op: "authkeys", authkeys });
  }

  setLinkFaults(link: LinkName, faults: LinkFaultSettings): boolean {
    if (!this.links.includes(link)) return false;
    this.post({ op: "link-faults", link, faults: { ...faults } });
    return true;
  }

  sendStats(reset = false): Promise<SendStats> {
    const id = ++this.statsId;
    return new Promise((resolve) => {
      this.statsWaiting.set(id, resolve);
      this.post({ op: "send-stats", id, reset });
    });
  }
}
