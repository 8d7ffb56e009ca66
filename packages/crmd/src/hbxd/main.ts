import { run } from "./run.js";

const stopSignal = new Promise<string>((resolve) => {
  process.once("SIGTERM", () => resolve("SIGTERM"));
  process.once("SIGINT", () => resolve("SIGINT"));
});

run(process.argv.slice(2), { stderr: (t) => process.stderr.write(t), env: process.env, stopSignal }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hbxd: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
