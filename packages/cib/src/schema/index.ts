export * from "./validate.js";
export { locateElements, type ElementLocation } from "./locate.js";
