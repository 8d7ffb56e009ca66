export * from "./layout.js";
export * from "./generate.js";
export * from "./measure.js";
export * from "./decisions.js";
export * from "./bench.js";
export * from "./table.js";
export * from "./report.js";
export { run as runBenchCli } from "./run.js";
