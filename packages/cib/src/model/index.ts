export * from "./attributes.js";
export * from "./configuration.js";
export * from "./status.js";
export * from "./transient.js";
export * from "./nvpairs.js";
