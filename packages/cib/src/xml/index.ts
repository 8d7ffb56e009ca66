export * from "./node.js";
export * from "./parse.js";
export * from "./serialize.js";
export * from "./limits.js";
export { decodeXmlBytes, parseXmlBytes, readXmlFile, readXmlText } from "./read-file.js";
