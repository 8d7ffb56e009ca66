import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { defaultAgentDirs, useLrmLogger } from "@hbx/lrm";
import {
  type Authkeys,
  type HaCf,
  HeartbeatNode,
  type HeartbeatTransport,
  HeartbeatWorker,
  type HeartbeatNodeOptions,
  loadAuthkeys,
  loadHaCf,
  loadHaresources,
} from "@hbx/transport";
import { heartbeatHandlers } from "../ipc/heartbeat-ops.js";
import { createV1Mode } from "../v1/mode.js";
import { type V1Driver } from "../v1/adapters/driver.js";
import { HeartbeatV1Cluster } from "./v1-cluster.js";
import { IpcClient } from "../ipc/client.js";
import { IpcServer, probeSocket, SocketInUseError } from "../ipc/server.js";
import { CrmMode } from "../crm/mode.js";
import { RespawnSupervisor } from "../respawn/supervisor.js";
import { daemonLogger, type LogTargets } from "./logging.js";
import type { HbxdOptions } from "./options.js";
import { AlreadyRunningError, acquirePidfile, type PidfileLock } from "./pidfile.js";
import { planReload } from "./reload.js";
import { resolveSocketGroup } from "./socket-group.js";
import { closeStateDirectory } from "./state-dir.js";
import { StatusPageServer, statusPageConfig } from "../http/server.js";

export interface RunningHbxd {
  heartbeat: HeartbeatTransport;
  ipc: IpcServer;
  log: Logger;
  /** Heartbeat v1 haresources mode, when ha.cf says `crm off` and haresources exists. */
  v1?: V1Driver;
  /** CRM mode, when ha.cf says `crm on|yes|respawn`. */
  crm?: CrmMode;
  /** Stop everything and remove what this daemon created; a second call waits for the first. */
  stop(): Promise<void>;
  /** SIGHUP: re-read ha.cf and authkeys, apply what can change live, log what needs a restart. */
  reload(): void;
}

/** Who serves `socket`, asked over the socket itself, for the message that refuses a second hbxd. */
async function describeRunning(socket: string): Promise<string> {
  try {
    const c = await IpcClient.connect(socket);
    try {
      const info = (await c.request("hbxd-info")) as { pid?: number; node?: string };
      return `pid ${info.pid}, node ${info.node}, socket ${socket}`;
    } finally {
      c.close();
    }
  } catch {
    return `socket ${socket}`;
  }
}

/**
 * Refuse to start where another daemon runs: its pidfile lock in the state directory, or a live
 * server on our socket path (a daemon with another state directory). Nothing of it is touched.
 */
async function claimNode(opts: HbxdOptions, log: Logger): Promise<PidfileLock> {
  const lock = acquirePidfile(opts.pidfile ?? join(opts.stateDir, "hbxd.pid"), opts.socket, log);
  const found = await probeSocket(opts.socket);
  if (found === "live" || found === "not-a-socket") {
    lock.release();
    if (found === "not-a-socket") throw new SocketInUseError(`${opts.socket} exists and is not a socket`);
    throw new AlreadyRunningError(
      `hbxd is already running (${await describeRunning(opts.socket)}); not starting a second one`,
    );
  }
  return lock;
}

/**
 * Start hbxd: read ha.cf and authkeys, start the heartbeat layer, serve IPC. Configuration
 * errors throw (HaCfError names file:line) before anything is bound.
 */
export async function startHbxd(opts: HbxdOptions, stderr?: (s: string) => void): Promise<RunningHbxd> {
  const hacf = loadHaCf(join(opts.haDir, "ha.cf"));
  const authkeys = loadAuthkeys(join(opts.haDir, "authkeys"));
  const socketGroup = resolveSocketGroup(opts.socketGroup);
  const logTargets: LogTargets = {
    logfile: hacf.logfile,
    debugfile: hacf.debugfile,
    logfacility: hacf.logfacility,
  };
  const log = daemonLogger({ targets: logTargets, node: opts.node, stderr });
  // Agent runs are logged with the rest of the daemon, not on a silent logger of their own.
  useLrmLogger(log);
  closeStateDirectory(opts.stateDir, log);
  const lock = await claimNode(opts, log);
  try {
    return await startLocked(opts, { hacf, authkeys, log, logTargets, lock, socketGid: socketGroup.gid });
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function startLocked(
  opts: HbxdOptions,
  s: {
    hacf: HaCf;
    authkeys: Authkeys;
    log: Logger;
    logTargets: LogTargets;
    lock: PidfileLock;
    socketGid: number;
  },
): Promise<RunningHbxd> {
  const { hacf, log, lock } = s;
  const pageConfig = statusPageConfig(hacf);
  if (!hacf.nodes.includes(opts.node)) {
    log.warn({ node: opts.node }, `node ${opts.node} is not listed in ${hacf.file}`);
  }
  const nodeOptions: HeartbeatNodeOptions = {
    hacf,
    authkeys: s.authkeys,
    nodeName: opts.node,
    stateDir: opts.stateDir,
    bindAddress: opts.bind,
    logger: log,
  };
  // The heartbeat layer runs on its own thread, so no parse, validation, store write or
  // scheduler run delays a heartbeat; HBX_HEARTBEAT_THREAD=main runs it inline, to compare.
  const heartbeat: HeartbeatTransport =
    process.env.HBX_HEARTBEAT_THREAD === "main"
      ? new HeartbeatNode(nodeOptions)
      : new HeartbeatWorker(nodeOptions);
  const haresourcesPath = join(opts.haDir, "haresources");
  let v1: V1Driver | undefined;
  let cluster: HeartbeatV1Cluster | undefined;
  if (hacf.crm === "off" && existsSync(haresourcesPath)) {
    cluster = new HeartbeatV1Cluster(heartbeat, hacf);
    // An example keeps its scripts beside its configuration: <ha-dir>/resource.d, then init.d.
    const dirs = defaultAgentDirs();
    const localInit = join(opts.haDir, "init.d");
    v1 = createV1Mode({
      haCf: hacf,
      haresources: loadHaresources(haresourcesPath),
      node: opts.node,
      cluster,
      logger: log.child({ component: "v1" }),
      agentDirs: {
        ...dirs,
        initDir: existsSync(localInit) ? localInit : dirs.initDir,
        heartbeatDirs: [join(opts.haDir, "resource.d"), ...dirs.heartbeatDirs],
      },
    });
  }
  const crm =
    hacf.crm === "on" || hacf.crm === "respawn"
      ? await CrmMode.start({ heartbeat, hacf, haDir: opts.haDir, stateDir: opts.stateDir, log })
      : undefined;
  const ipc = new IpcServer(
    opts.socket,
    {
      ...heartbeatHandlers(heartbeat, hacf.crm === "off" ? "haresources" : "crm", v1),
      ...(crm ? crm.ipcHandlers() : {}),
      ping: () => ({ pong: true, node: opts.node }),
      "hbxd-info": () => ({
        pid: process.pid,
        node: opts.node,
        stateDir: opts.stateDir,
        socket: opts.socket,
      }),
    },
    log,
    { gid: s.socketGid },
  );
  await heartbeat.start();
  await ipc.listen();
  v1?.start();
  const page = await startStatusPage(pageConfig, crm, log);
  // ha.cf `respawn`/`failfast` clients: started now, restarted when they die, stopped with hbxd.
  const clients = new RespawnSupervisor(hacf.respawn, log.child({ component: "respawn" }));
  clients.start();
  log.info({ node: opts.node }, `hbxd started on node ${opts.node}`);
  let running = { hacf, authkeys: s.authkeys };
  let stopping: Promise<void> | undefined;
  return {
    heartbeat,
    ipc,
    log,
    v1,
    crm,
    stop() {
      stopping ??= (async () => {
        log.info("hbxd shutting down");
        if (v1) {
          // Hand every group over before the heartbeat stops, as Heartbeat does on a clean stop.
          await v1.shutdown();
          v1.stop();
          cluster?.close();
        }
        // CRM mode: the DC moves what runs here away before this node leaves (tools still work meanwhile).
        await crm?.shutdown();
        await page?.close();
        await ipc.close();
        await crm?.stop();
        await clients.stop();
        await heartbeat.stop();
        lock.release();
      })();
      return stopping;
    },
    reload() {
      let fresh;
      try {
        fresh = {
          hacf: loadHaCf(join(opts.haDir, "ha.cf")),
          authkeys: loadAuthkeys(join(opts.haDir, "authkeys")),
        };
      } catch (e) {
        log.error(
          { err: (e as Error).message },
          `reload refused: ${(e as Error).message}; running config kept`,
        );
        return;
      }
      const plan = planReload(running, fresh);
      if (plan.authkeys) {
        heartbeat.setAuthkeys(plan.authkeys);
        running = { ...running, authkeys: plan.authkeys };
        log.info(
          { file: plan.authkeys.file, activeIndex: plan.authkeys.activeIndex },
          `authkeys reloaded: signing with key ${plan.authkeys.activeIndex}`,
        );
      }
      if (plan.logTargets) {
        Object.assign(s.logTargets, plan.logTargets);
        running = { ...running, hacf: { ...running.hacf, ...plan.logTargets } };
        log.info(plan.logTargets, "log files reloaded");
      }
      if (plan.needRestart.length > 0) {
        log.warn(
          { changed: plan.needRestart },
          `ha.cf: ${plan.needRestart.join(", ")} changed; needs a restart, running config kept`,
        );
      }
      if (!plan.authkeys && !plan.logTargets && plan.needRestart.length === 0)
        log.info("reload: nothing changed");
    },
  };
}

/**
 * ha.cf `http`: the status page over the CRM's IPC operations. A port it cannot bind is logged
 * and the node runs on without the page: the page must never keep a cluster node down.
 */
async function startStatusPage(
  config: ReturnType<typeof statusPageConfig>,
  crm: CrmMode | undefined,
  log: Logger,
): Promise<StatusPageServer | undefined> {
  if (!config) return undefined;
  if (!crm) {
    log.warn({ line: config.listen.line }, "http: the status page shows CRM mode only (crm on); not served");
    return undefined;
  }
  const page = new StatusPageServer({ ...config, ops: crm.ipcHandlers(), log });
  try {
    await page.listen();
    return page;
  } catch (e) {
    log.error({ err: (e as Error).message }, `http: status page not served: ${(e as Error).message}`);
    return undefined;
  }
}
