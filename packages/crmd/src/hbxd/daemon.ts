import { join } from "node:path";
import type { Logger } from "pino";
import { HeartbeatNode, loadAuthkeys, loadHaCf } from "@hbx/transport";
import { heartbeatHandlers } from "../ipc/heartbeat-ops.js";
import { IpcServer } from "../ipc/server.js";
import { daemonLogger } from "./logging.js";
import type { HbxdOptions } from "./options.js";

export interface RunningHbxd {
  heartbeat: HeartbeatNode;
  ipc: IpcServer;
  log: Logger;
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
  const ipc = new IpcServer(
    opts.socket,
    {
      ...heartbeatHandlers(heartbeat, hacf.crm === "off" ? "haresources" : "crm"),
      ping: () => ({ pong: true, node: opts.node }),
    },
    log,
  );
  await heartbeat.start();
  await ipc.listen();
  log.info({ node: opts.node }, `hbxd started on node ${opts.node}`);
  return {
    heartbeat,
    ipc,
    log,
    async stop() {
      log.info("hbxd shutting down");
      await ipc.close();
      await heartbeat.stop();
    },
  };
}
