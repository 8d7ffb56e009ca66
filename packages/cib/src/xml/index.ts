export * from "./node.js";
export * from "./parse.js";
export * from "./serialize.js";
