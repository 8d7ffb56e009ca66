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
   * with the square of some sibling lists: measured with schemas/cib.rng, 10,000 nvpairs in one
   * set take 0.4 s, 20,000 take 1.8 s, 40,000 take 8 s (lrm_resource entries in the status
   * about 0.8 s at 20,000); 480,000 took minutes and 1.5 GB. A 64-node cluster with 10,000
   * resources has at most 10,000 siblings in one list (<resources>, a node's <lrm_resources>).
   */
  maxChildren: number;
}

const DEFAULT_LIMIT_DEPTH = 256;

/**
 * For input from outside the daemon (files, `-X`, stdin, the socket): twice the sibling lists of
 * a 10,000-resource cluster, and what libxml2 validates in about 2 s at worst.
 */
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: DEFAULT_LIMIT_DEPTH,
  maxChildren: 20_000,
};

/**
 * For CIBs hbx wrote itself and reads back: the store's rows and files, a CIB the DC sent over
 * the authenticated bus, the daemon's cib.query answer to a tool. Every one of them passed the
 * untrusted limits when it came in, or grew by the cluster's own writes (status entries,
 * transient attributes), so refusing it now would stop a node from reading its own state. Only
 * the depth bound stays: it protects the parser's stack, and no CIB comes near it.
 */
export const TRUSTED_XML_LIMITS: XmlLimits = {
  maxBytes: Number.POSITIVE_INFINITY,
  maxDepth: DEFAULT_LIMIT_DEPTH,
  maxChildren: Number.POSITIVE_INFINITY,
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
