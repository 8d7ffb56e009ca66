export { authToken, signMessage, verifyMessage, type AuthFailure, type VerifyResult } from "./sign.js";
export { heartbeatCrc } from "./crc.js";
