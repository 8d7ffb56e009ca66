export * from "./xml/index.js";
export * from "./score.js";
