import { runLiveWrites } from "./live-writes.js";

process.exitCode = await runLiveWrites(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
