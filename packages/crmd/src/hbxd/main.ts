import { type HbxdSignal, run } from "./run.js";

// Files hbxd creates are for its user and group at most (the CIB holds agent passwords); each
// writer sets its own mode too, this is the backstop for any that does not.
process.umask(0o027);

// Handlers are installed before anything starts, so a SIGHUP or SIGTERM during start-up neither
// kills the daemon with its socket half made nor is lost: it is replayed once run() listens.
const listeners: ((s: HbxdSignal) => void)[] = [];
const early: HbxdSignal[] = [];
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(sig, () => {
    if (listeners.length === 0) early.push(sig);
    for (const l of listeners) l(sig);
  });
}

run(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  onSignal(cb) {
    listeners.push(cb);
    for (const s of early.splice(0)) cb(s);
  },
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hbxd: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
