import type { BenchRow } from "./bench.js";
import type { Measurement } from "./measure.js";

const secs = (m: Measurement | undefined): string =>
  m === undefined
    ? "-"
    : m.failure !== undefined
      ? m.failure
      : `${m.seconds.toFixed(2)} s${m.cpuSeconds !== undefined ? ` (cpu ${m.cpuSeconds.toFixed(2)})` : ""}${
          m.exitCode ? ` (exit ${m.exitCode})` : ""
        }`;
const mb = (m: Measurement | undefined): string =>
  m === undefined || m.failure !== undefined || m.peakMb === undefined ? "-" : m.peakMb.toFixed(0);

export function speedUp(row: BenchRow): string {
  const p = row.pacemaker;
  if (p === undefined || p.failure !== undefined || row.hbx.failure !== undefined) return "-";
  return `${(p.seconds / Math.max(row.hbx.seconds, 1e-3)).toFixed(1)}×`;
}

export function decisionsCell(row: BenchRow): string {
  if (row.decisions === undefined) return row.pacemakerSkipped !== undefined ? "-" : "not compared";
  if (row.decisions.equal) return `yes (${row.decisions.hbxLines})`;
  return `no (${row.decisions.differences} differ)`;
}

export const TABLE_HEADER = [
  "size",
  "names",
  "variant",
  "hbx -G",
  "hbx MB",
  "hbx -S",
  "Pacemaker -G",
  "Pacemaker MB",
  "Pacemaker -S",
  "speed-up",
  "same decisions",
];

/** The table's cells, one array per row, in TABLE_HEADER order. */
export function tableCells(rows: readonly BenchRow[]): string[][] {
  return rows.map((r) => [
    `${r.size.nodes} × ${r.size.resources}`,
    r.names,
    r.variant,
    secs(r.hbx),
    mb(r.hbx),
    secs(r.hbxSimulate),
    r.pacemakerSkipped !== undefined ? r.pacemakerSkipped : secs(r.pacemaker),
    mb(r.pacemaker),
    r.pacemakerSimulate === undefined ? "-" : secs(r.pacemakerSimulate),
    speedUp(r),
    decisionsCell(r),
  ]);
}

/** Aligned plain-text table for the terminal. */
export function formatTextTable(rows: readonly BenchRow[]): string {
  const cells = tableCells(rows);
  const widths = TABLE_HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(TABLE_HEADER), ...cells.map(line)].join("\n") + "\n";
}

/** A Markdown table. */
export function formatMarkdownTable(rows: readonly BenchRow[]): string {
  const esc = (s: string): string => s.replace(/\|/g, "\\|");
  return [
    `| ${TABLE_HEADER.join(" | ")} |`,
    `| ${TABLE_HEADER.map(() => "---").join(" | ")} |`,
    ...tableCells(rows).map((c) => `| ${c.map(esc).join(" | ")} |`),
  ].join("\n");
}
