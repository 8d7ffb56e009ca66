export { FieldType, HbMessage, F, type HbField, type FieldValue } from "./message.js";
export { DecodeError, DEFAULT_LIMITS, type DecodeLimits, type DecodeReason } from "./errors.js";
export {
  encodeMessage,
  decodeMessage,
  type DecodedPacket,
  type WireFormat,
  type AuthTrailer,
} from "./wire.js";
export { classicLines } from "./classic.js";
