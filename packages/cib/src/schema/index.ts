export * from "./validate.js";
export { locateElements, type ElementLocation } from "./locate.js";
export { type CibValueError, checkCibValues, formatCibValueError } from "./semantic.js";
export { parseBooleanValue, parseDurationMs } from "./values.js";
export { CibValueErrors, type WritableOptions, assertWritableCib } from "./writable.js";
