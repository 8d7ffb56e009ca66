export { Liveness, PING_STATUS } from "./core.js";
export { SeqWindow, REPLAY_WINDOW, type SeqVerdict } from "./replay.js";
export * from "./types.js";
