/**
 * Heartbeat's time syntax (cl_get_msec): a number, optionally with a fraction, in seconds unless
 * followed by `ms`/`msec`, `s`/`sec` or `us`/`usec`. Returns milliseconds, or undefined when the
 * text is not a time.
 */
export function parseHeartbeatTime(text: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(ms|msec|s|sec|us|usec)?$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const ms = unit.startsWith("ms") ? value : unit.startsWith("us") ? value / 1000 : value * 1000;
  return Math.round(ms);
}

/** Heartbeat's booleans (cl_str_to_boolean): case-insensitive true/on/yes/y/1, false/off/no/n/0. */
export function parseHeartbeatBoolean(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (["true", "on", "yes", "y", "1"].includes(t)) return true;
  if (["false", "off", "no", "n", "0"].includes(t)) return false;
  return undefined;
}
