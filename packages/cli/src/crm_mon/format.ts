import { type Resource } from "@hbx/pengine";

/** Small text helpers crm_mon's sections share. */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** C's ctime() without the newline, in local time: `Wed Mar  1 21:01:20 2023`. */
export function ctime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`
  );
}

/** An epoch-seconds attribute as ctime text. */
export function epochText(seconds: number): string {
  return ctime(new Date(seconds * 1000));
}

/** A duration in milliseconds the way Pacemaker shows intervals: `10s`, `2m59.014s`, `142ms`. */
export function readableInterval(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  const s = Math.floor(rest / 1000);
  const frac = rest % 1000;
  if (s > 0 || (frac > 0 && parts.length > 0))
    parts.push(frac > 0 ? `${s}.${String(frac).padStart(3, "0")}s` : `${s}s`);
  else if (frac > 0) parts.push(`${frac}ms`);
  return parts.join("");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** OCF exit codes' names as Pacemaker prints them ("returned 'not running'"). */
export function rcText(rc: number): string {
  const names: Record<number, string> = {
    0: "ok",
    1: "error",
    2: "invalid parameter",
    3: "unimplemented feature",
    4: "insufficient privileges",
    5: "not installed",
    6: "not configured",
    7: "not running",
    8: "promoted",
    9: "promoted (failed)",
    190: "degraded",
    191: "degraded promoted",
  };
  return names[rc] ?? "unknown";
}

/**
 * The name a resource instance is shown by: a globally unique clone's instances by their own id
 * (`child:2`), an anonymous clone's by the primitive's (`ping`). `id` is the name being shown
 * for `r`, a history entry's id, say.
 */
export function printableId(r: Resource, id: string = r.id): string {
  for (let p = r.parent; p; p = p.parent) if (p.meta.get("globally-unique") === "true") return r.id;
  return id.replace(/:\d+$/, "");
}
