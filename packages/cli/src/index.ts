export {};
export { memoryIo, processIo, type CliIo } from "./common/io.js";
export { CrmExit, CliError } from "./common/exit-codes.js";
export { type CibSource, FileCibSource, StaleCibError, openCibSource } from "./common/cib-source.js";
export { compileXPath, evaluateXPath, nodePath, XPathError } from "./common/xpath.js";
export { checkCib, type CibProblem } from "./common/checks.js";
export { run as runCibadmin } from "./cibadmin/run.js";
export { run as runCrmResource } from "./crm_resource/run.js";
