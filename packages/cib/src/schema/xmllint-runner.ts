import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** One file in xmllint's in-memory file system. */
export interface XmllintFile {
  fileName: string;
  contents: string;
}

/** What one xmllint run ended with: its exit code (0 valid, 3/4 invalid) and its stderr. */
export interface XmllintRun {
  exitCode: number;
  stderr: string;
}

/** WebAssembly pages (64 KiB): 16 MiB to start, at most 1 GiB, as the one-shot runs had. */
const INITIAL_MEMORY_PAGES = 256;
const MAX_MEMORY_PAGES = 16384;

/**
 * The worker's code, run as a CommonJS script. It compiles xmllint.wasm once and then runs
 * xmllint's main() in a fresh instance (fresh memory, fresh file system) per request, so no
 * state of libxml2 carries from one document to the next. xmllint-wasm's own validateXML
 * starts a new worker and compiles the module on every call: about 100–180 ms here, where the
 * validation of a small CIB itself takes a few.
 *
 * Requiring xmllint-node.js also installs that file's own message handler; it ignores messages
 * without its tag, and ours carry a different one.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const createXmllint = require(workerData.modulePath);
const compiled = new WebAssembly.Module(readFileSync(join(dirname(workerData.modulePath), "xmllint.wasm")));
parentPort.on("message", (m) => {
  if (!m || m.hbxXmllint !== true) return;
  let stderr = "";
  let done = false;
  const finish = (exitCode, text) => {
    if (done) return;
    done = true;
    parentPort.postMessage({ hbxXmllint: true, id: m.id, exitCode, stderr: text === undefined ? stderr : text });
  };
  createXmllint({
    inputFiles: m.inputFiles,
    arguments: m.args,
    print() {},
    printErr(line) { stderr += line + "\\n"; },
    onExit: (code) => finish(code),
    onAbort: (reason) => finish(-1, "WASM Abort: " + reason),
    wasmMemory: new WebAssembly.Memory({ initial: ${INITIAL_MEMORY_PAGES}, maximum: ${MAX_MEMORY_PAGES} }),
    instantiateWasm(imports, ready) {
      WebAssembly.instantiate(compiled, imports).then(ready, (e) => finish(-1, String(e)));
      return {};
    },
  }).catch((e) => finish(-1, String(e)));
});
`;

interface Pending {
  resolve: (run: XmllintRun) => void;
  reject: (err: Error) => void;
}

/**
 * One long-lived xmllint worker per process. It holds the event loop only while a run is
 * pending, so a tool that validated once still exits when it is done.
 */
class XmllintRunner {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  run(files: readonly XmllintFile[], args: readonly string[]): Promise<XmllintRun> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<XmllintRun>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ hbxXmllint: true, id, inputFiles: files, args });
    });
  }

  private started(): Worker {
    if (this.worker !== undefined) return this.worker;
    const modulePath = createRequire(import.meta.url).resolve("xmllint-wasm/xmllint-node.js");
    // No inherited flags: under --input-type=module an eval worker would be an ES module,
    // where the CommonJS source above has no require.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { modulePath } });
    worker.unref();
    worker.on("message", (m: { hbxXmllint?: boolean; id: number; exitCode: number; stderr: string }) => {
      if (m?.hbxXmllint !== true) return;
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      p.resolve({ exitCode: m.exitCode, stderr: m.stderr });
    });
    // A worker that dies (out of memory, a crash in the runtime) fails what it held; the next
    // run starts a new one.
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`xmllint worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const runner = new XmllintRunner();

/** Run xmllint (libxml2 as WebAssembly) with `args` over `files`, in the process's one worker. */
export function runXmllint(files: readonly XmllintFile[], args: readonly string[]): Promise<XmllintRun> {
  return runner.run(files, args);
}
