export * from "./store.js";
export * from "./errors.js";
export { summarizeChange } from "./summary.js";
export { writeFileAtomic } from "./atomicFile.js";
