/** Why a packet could not be decoded; stable strings for logs and tests. */
export type DecodeReason =
  | "empty"
  | "bad-start"
  | "bad-length"
  | "length-too-large"
  | "truncated"
  | "bad-terminator"
  | "bad-type"
  | "bad-field"
  | "too-deep"
  | "too-many-fields"
  | "oversized"
  | "bad-auth-trailer"
  | "trailing-garbage"
  | "bad-base64";

/** A packet that is not a well-formed Heartbeat message. The only error decodeMessage throws. */
export class DecodeError extends Error {
  constructor(
    readonly reason: DecodeReason,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${reason} at byte ${offset}: ${detail}`);
    this.name = "DecodeError";
  }
}

export interface DecodeLimits {
  /** Largest packet accepted, in bytes. */
  maxBytes: number;
  /** Deepest nesting of struct fields. */
  maxDepth: number;
  /** Most fields in one message (nested ones counted separately). */
  maxFields: number;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  // Heartbeat's MAXMSG is 40000 on the wire; the bus reassembles larger ones itself.
  maxBytes: 256 * 1024,
  // Heartbeat's MAXDEPTH.
  maxDepth: 16,
  maxFields: 4096,
};
