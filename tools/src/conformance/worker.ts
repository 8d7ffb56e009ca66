/**
 * Worker-thread entry of the worker pool: loads hbx's crm_simulate run function once and
 * answers {id, argv} messages with the captured result.
 */
import { parentPort, workerData } from "node:worker_threads";
import { invokeRun, loadSimulateRun, type SimulateRunFn } from "./in-process.js";

interface Request {
  readonly id: number;
  readonly argv: string[];
}

const port = parentPort;
if (port === null) throw new Error("conformance worker must run in a worker thread");

const modulePath = (workerData as { module: string }).module;
let loaded: Promise<SimulateRunFn | undefined> | undefined;

port.on("message", (req: Request) => {
  loaded ??= loadSimulateRun([modulePath]).then((found) => found?.run);
  void loaded.then(async (run) => {
    if (run === undefined) {
      port.postMessage({
        id: req.id,
        result: { stdout: "", stderr: "", exitCode: undefined, failure: `no run() in ${modulePath}`, ms: 0 },
      });
      return;
    }
    port.postMessage({ id: req.id, result: await invokeRun(run, req.argv) });
  });
});
