export { haresourcesToCib, OUTPUT_SCHEMA, type HaresourcesToCibOptions } from "./convert.js";
export { DEFAULT_AGENT_DIRS, type AgentDirs } from "./agents.js";
export { run, DEFAULT_PATHS, type Haresources2CibIo } from "./run.js";
