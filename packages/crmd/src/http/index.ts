// hbxd's status page (ha.cf `http`, `http_auth`): see README.md beside this file.
export { StatusPageServer, statusPageConfig, type StatusPageOptions } from "./server.js";
export { statusView, type StatusView } from "./view.js";
export { loadCredentials, parseCredentials, authenticate, type Credentials } from "./credentials.js";
