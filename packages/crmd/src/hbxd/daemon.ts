import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { defaultAgentDirs } from "@hbx/lrm";
import { HeartbeatNode, loadAuthkeys, loadHaCf, loadHaresources } from "@hbx/transport";
import { heartbeatHandlers } from "../ipc/heartbeat-ops.js";
import { createV1Mode } from "../v1/mode.js";
import { type V1Driver } from "../v1/adapters/driver.js";
import { HeartbeatV1Cluster } from "./v1-cluster.js";
import { IpcServer } from "../ipc/server.js";
import { CrmMode } from "../crm/mode.js";
import { daemonLogger } from "./logging.js";
import type { HbxdOptions } from "./options.js";

export interface RunningHbxd {
  heartbeat: HeartbeatNode;
  ipc: IpcServer;
  log: Logger;
  /** Heartbeat v1 haresources mode, when ha.cf says `crm off` and haresources exists. */
  v1?: V1Driver;
  /** CRM mode, when ha.cf says `crm on|yes|respawn`. */
  crm?: CrmMode;
  stop(): Promise<void>;
}

/**
 * Start hbxd: read ha.cf and authkeys, start the heartbeat layer, serve IPC. Configuration
 * errors throw (HaCfError names file:line) before anything is bound.
 */
export async function startHbxd(opts: HbxdOptions, stderr?: (s: string) => void): Promise<RunningHbxd> {
  const hacf = loadHaCf(join(opts.haDir, "ha.cf"));
  const authkeys = loadAuthkeys(join(opts.haDir, "authkeys"));
  const log = daemonLogger({ logfile: hacf.logfile, debugfile: hacf.debugfile, node: opts.node, stderr });
  if (!hacf.nodes.includes(opts.node)) {
    log.warn({ node: opts.node }, `node ${opts.node} is not listed in ${hacf.file}`);
  }
  const heartbeat = new HeartbeatNode({
    hacf,
    authkeys,
    nodeName: opts.node,
    stateDir: opts.stateDir,
    bindAddress: opts.bind,
    logger: log,
  });
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
    },
    log,
  );
  await heartbeat.start();
  await ipc.listen();
  v1?.start();
  log.info({ node: opts.node }, `hbxd started on node ${opts.node}`);
  return {
    heartbeat,
    ipc,
    log,
    v1,
    crm,
    async stop() {
      log.info("hbxd shutting down");
      if (v1) {
        // Hand every group over before the heartbeat stops, as Heartbeat does on a clean stop.
        await v1.shutdown();
        v1.stop();
        cluster?.close();
      }
      await ipc.close();
      await crm?.stop();
      await heartbeat.stop();
    },
  };
}
