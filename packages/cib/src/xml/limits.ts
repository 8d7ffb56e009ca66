/**
 * What the one XML reader accepts, so that no input — a file, `-X`, stdin, the socket, the bus —
 * can make it expand entities, read files, recurse without end or take memory without bound.
 */
export interface XmlLimits {
  /** Largest input in bytes (UTF-8), checked before any parsing. */
  maxBytes: number;
  /** Deepest element nesting; a CIB is about 12 levels deep, rules nest a few more. */
  maxDepth: number;
  /**
   * Most children of one element. libxml2's RelaxNG validation (ours, and Pacemaker's) grows
   * with the square of a sibling list: 10,000 nvpairs in one set take 0.5 s, 20,000 take 2 s,
   * 480,000 took minutes and 1.5 GB. A 2000-resource cluster has 2000 siblings at most.
   */
  maxChildren: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxChildren: 10_000,
};

/** The environment variable that raises or lowers the size limit (bytes, or with K/M/G suffix). */
export const XML_MAX_BYTES_ENV = "HBX_XML_MAX_BYTES";

/**
 * The limits with the size limit from `env` (HBX_XML_MAX_BYTES) when set; a value that is not
 * a positive size is ignored rather than turned into "no limit".
 */
export function xmlLimitsFromEnv(env: Record<string, string | undefined>): XmlLimits {
  const raw = env[XML_MAX_BYTES_ENV];
  const m = raw === undefined ? null : /^\s*(\d+)\s*([KMG]i?B?)?\s*$/i.exec(raw);
  if (m === null) return DEFAULT_XML_LIMITS;
  const unit = (m[2] ?? "").toUpperCase()[0];
  const factor = unit === "K" ? 1024 : unit === "M" ? 1024 ** 2 : unit === "G" ? 1024 ** 3 : 1;
  const maxBytes = Number(m[1]) * factor;
  return maxBytes > 0 ? { ...DEFAULT_XML_LIMITS, maxBytes } : DEFAULT_XML_LIMITS;
}

/** A size for messages: 54.0 MiB, 12 KiB, 300 bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}
