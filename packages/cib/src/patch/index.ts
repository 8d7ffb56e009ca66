export * from "./xpath.js";
export * from "./apply.js";
export * from "./diff.js";
