/**
 * How Pacemaker reads the typed values a CIB holds as text: durations (op intervals and
 * timeouts, failure-timeout) and booleans (is-managed, notify, …). One copy, used by the
 * write-time checks and by the tools that read these values.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  msec: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
};

const PLAIN = /^\s*(\d+)\s*(ms|msec|us|usec|s|sec|m|min|h|hr)?\s*$/i;
const ISO8601 =
  /^\s*P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\s*$/;

/**
 * A duration in milliseconds, as Pacemaker's crm_get_msec reads it: plain seconds ("10"), a
 * number with a unit (ms, msec, us, usec, s, sec, m, min, h, hr), or an ISO 8601 duration
 * ("PT1M30S"; a month counts 30 days, a year 365). undefined for anything else.
 */
export function parseDurationMs(text: string): number | undefined {
  const m = PLAIN.exec(text);
  if (m) {
    const n = Number(m[1]);
    const unit = (m[2] ?? "s").toLowerCase();
    if (unit === "us" || unit === "usec") return Math.floor(n / 1000);
    return n * UNIT_MS[unit];
  }
  const iso = ISO8601.exec(text);
  if (iso && /\d/.test(text) && !/T\s*$/.test(text)) {
    const [, y, mo, w, d, h, mi, s] = iso.map((x) => Number(x ?? 0));
    return ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s) * 1000;
  }
  return undefined;
}

const TRUE = new Set(["true", "on", "yes", "y", "1"]);
const FALSE = new Set(["false", "off", "no", "n", "0"]);

/** A boolean as Pacemaker's crm_str_to_boolean reads it; undefined for anything else. */
export function parseBooleanValue(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}
