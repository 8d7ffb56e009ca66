import { type OptionSpec, STANDARD_OPTION_DOCS } from "@hbx/cli";

/**
 * One documented option as the man page and the shell completion show it: every spelling the
 * tool's option table accepts for one key, with the sentence its --help gives it.
 */
export interface OptionDoc {
  /** `-G`, `--query`, `--get-value`: shorts first, then longs, as the table lists them. */
  names: string[];
  /** VALUE for an option that takes one; `[=VALUE]` style when it is optional. */
  value?: { name: string; optional: boolean };
  description: string;
}

/** The descriptions in a --help text, by each spelling on the line (`-G` and `--query`). */
export function helpDescriptions(help: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = help.split("\n");
  for (let i = 0; i < lines.length; i++) {
    // "  -G, --query[=X]     Text": the names, then two or more spaces, then the sentence.
    const m = /^(\s*)(-[^\s].*?)(\s{2,})(\S.*)$/.exec(lines[i]);
    if (!m) continue;
    const column = m[1].length + m[2].length + m[3].length;
    let text = m[4].trim();
    // Continuation lines are indented to the sentence's column and are not options themselves.
    while (i + 1 < lines.length) {
      const next = lines[i + 1];
      const indent = next.length - next.trimStart().length;
      if (next.trim() === "" || indent < column || next.trimStart().startsWith("-")) break;
      text += ` ${next.trim()}`;
      i++;
    }
    for (const word of m[2].split(/[\s,]+/)) {
      const name = /^(--?[^=[\s]+)/.exec(word)?.[1];
      if (name !== undefined && !out.has(name)) out.set(name, text);
    }
  }
  return out;
}

/** The value name --help uses for an option (`--update=VALUE` → VALUE), else VALUE. */
function valueName(help: string, names: string[]): string {
  for (const n of names) {
    const re = new RegExp(`${n.replace(/[?$]/g, "\\$&")}\\[?[= ]([A-Z][A-Z_]*)`);
    const m = re.exec(help);
    if (m) return m[1];
  }
  return "VALUE";
}

/**
 * Group a tool's option table by key (aliases such as `-?`, `-h`, `--help`, `--help-all` are one
 * option), describing each with its --help line. The table is the one the parser reads, so a
 * page made from it lists exactly what the tool accepts.
 */
export function optionDocs(options: OptionSpec[], help: string): OptionDoc[] {
  const described = helpDescriptions(help);
  const byKey = new Map<string, OptionSpec[]>();
  for (const o of options) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
  const docs: OptionDoc[] = [];
  for (const group of byKey.values()) {
    const shorts = group.flatMap((o) => (o.short ? [`-${o.short}`] : []));
    const longs = group.flatMap((o) => (o.long ?? []).map((l) => `--${l}`));
    const names = [...new Set([...shorts, ...longs])];
    const kind = group.find((o) => (o.arg ?? "none") !== "none")?.arg ?? "none";
    // The tool's own --help first, then the table's note, then the shared options' sentence.
    const description =
      names.map((n) => described.get(n)).find((d) => d !== undefined) ??
      group.find((o) => o.doc !== undefined)?.doc ??
      STANDARD_OPTION_DOCS[group[0].key];
    docs.push({
      names,
      value: kind === "none" ? undefined : { name: valueName(help, names), optional: kind === "optional" },
      description: description ?? "(not described by the tool's --help)",
    });
  }
  return docs;
}
