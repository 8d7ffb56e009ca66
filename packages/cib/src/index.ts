export * from "./xml/index.js";
export * from "./score.js";
export * from "./corpus.js";
export * from "./version/index.js";
export * from "./model/index.js";
export * from "./digest/index.js";
export * from "./schema/index.js";
export * from "./store/index.js";
