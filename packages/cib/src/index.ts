export * from "./xml/index.js";
export * from "./score.js";
export * from "./corpus.js";
export * from "./version/index.js";
