/**
 * The heartbeat thread: a HeartbeatNode (UDP links, signing and verification, the liveness core
 * and its keepalive timer) with an event loop of its own, driven by `HeartbeatWorker` in the
 * main thread. Nothing else runs here, so a heartbeat is never queued behind XML parsing,
 * validation, the store or the scheduler (Heartbeat ran separate real-time processes for this).
 */
import { parentPort, workerData } from "node:worker_threads";
import pino from "pino";
import { HeartbeatNode } from "./node.js";
import { raiseThreadPriority, wantsRealtime } from "./priority.js";
import { fromPlain, toPlain, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("heartbeat-worker.js runs as a worker thread of hbxd");
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

// Records go to the main thread as finished JSON lines and are written there to the parent
// logger's destination unchanged: their own time, level and component, no second formatting.
const logger = pino(
  { level: init.logLevel, base: undefined },
  { write: (line: string) => post({ ev: "log", line }) },
).child(init.logBindings);

const node = new HeartbeatNode({
  hacf: init.hacf,
  authkeys: init.authkeys,
  nodeName: init.nodeName,
  stateDir: init.stateDir,
  bindAddress: init.bindAddress,
  format: init.format,
  generation: init.generation,
  logger,
});

if (wantsRealtime(init.hacf)) {
  const raised = raiseThreadPriority();
  const log = logger.child({ component: "transport" });
  if ("tid" in raised)
    log.info({ tid: raised.tid }, `heartbeat thread ${raised.tid} runs at the highest priority`);
  else log.warn({ err: raised.error }, `heartbeat thread keeps its priority (realtime): ${raised.error}`);
}

node.on("node-status", (n, status, previous) =>
  post({ ev: "node-status", node: n, status, previous, snapshot: node.snapshot() }),
);
node.on("link-status", (n, link, status, previous) =>
  post({ ev: "link-status", node: n, link, status, previous, snapshot: node.snapshot() }),
);
node.on("node-restarted", (n, generation) =>
  post({ ev: "node-restarted", node: n, generation, snapshot: node.snapshot() }),
);
node.on("message", (msg, from, link) => post({ ev: "message", fields: toPlain(msg), from, link }));

port.on("message", (m: ToWorker) => {
  switch (m.op) {
    case "start":
      node.start().then(
        () => post({ ev: "started", snapshot: node.snapshot(), links: node.linkNames() }),
        (e: Error) => post({ ev: "failed", message: e.message }),
      );
      break;
    case "stop":
      node.stop().then(
        () => {
          post({ ev: "stopped" });
          port.close();
        },
        (e: Error) => post({ ev: "failed", message: e.message }),
      );
      break;
    case "send":
      node.sendCluster(fromPlain(m.fields), m.to);
      break;
    case "authkeys":
      node.setAuthkeys(m.authkeys);
      break;
    case "link-faults":
      node.setLinkFaults(m.link, m.faults);
      break;
    case "send-stats":
      void node.sendStats(m.reset).then((stats) => post({ ev: "send-stats", id: m.id, stats }));
      break;
  }
});
