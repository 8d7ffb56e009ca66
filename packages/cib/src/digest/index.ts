export * from "./xmlDigest.js";
export * from "./cibDigest.js";
export * from "./operationDigest.js";
