import type { OptionDoc } from "./option-docs.js";

/** What a section-8 page is made of: the command, its one-line summary, its --help, its options. */
export interface ManInput {
  command: string;
  summary: string;
  version: string;
  /** The tool's own --help text, shown as it prints it. */
  help: string;
  options: OptionDoc[];
}

/** Text safe for roff: backslashes escaped, hyphens as \- (so they are not hyphenation points). */
export function roffText(s: string): string {
  return s.replace(/\\/g, "\\e").replace(/-/g, "\\-");
}

/** A line roff would take as a request (leading . or ') is protected with \&. */
function roffLine(s: string): string {
  const t = roffText(s);
  return /^[.']/.test(t) ? `\\&${t}` : t;
}

function optionHeading(o: OptionDoc): string {
  const value = o.value === undefined ? "" : o.value.optional ? `[=${o.value.name}]` : `=${o.value.name}`;
  const names = o.names.map((n) => `\\fB${roffText(n)}\\fR`).join(", ");
  return value === "" ? names : `${names}\\fI${roffText(value)}\\fR`;
}

/**
 * A man(7) page for one command. DESCRIPTION is the tool's --help as it prints it; OPTIONS is
 * generated from its option table, so no option the parser accepts is missing from the page.
 */
export function manPage(m: ManInput): string {
  const out = [
    `.TH ${m.command.toUpperCase().replace(/-/g, "\\-")} 8 "" "hbx ${m.version}" "System Administration"`,
    ".SH NAME",
    `${roffText(m.command)} \\- ${roffText(m.summary)}`,
    ".SH SYNOPSIS",
    `.B ${roffText(m.command)}`,
    "[\\fIOPTION\\fR]...",
    ".SH DESCRIPTION",
    ".nf",
    ...m.help.replace(/\n+$/, "").split("\n").map(roffLine),
    ".fi",
    ".SH OPTIONS",
  ];
  for (const o of m.options) out.push(".TP", optionHeading(o), roffLine(o.description));
  out.push(
    ".SH SEE ALSO",
    "\\fBhbxd\\fR(8), \\fBcrm_mon\\fR(8), \\fBcibadmin\\fR(8), \\fBcrm_resource\\fR(8), /usr/share/doc/hbx/",
  );
  return out.join("\n") + "\n";
}
