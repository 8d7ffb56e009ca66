/**
 * Splits `crm_simulate -S` text into its sections. Only Pacemaker's exact header lines start a
 * section; every other line (including column-0 lines such as "2 of 5 resource instances
 * DISABLED ..." or "Setting effective cluster time: ...") belongs to the section it appears in.
 * Text before the first header ("Using the original execution date of: ...", warnings) is the
 * preamble.
 */

export const SECTION_HEADERS = {
  current: "Current cluster status:",
  transition: "Transition Summary:",
  execution: "Executing Cluster Transition:",
  revised: "Revised Cluster Status:",
} as const;

export type SectionName = keyof typeof SECTION_HEADERS | "preamble";

/** Lines of each section, trailing whitespace trimmed, blank lines at either end removed. */
export type SimulateSections = Record<SectionName, string[]> & {
  /** Which headers were present (a crash can cut the output short). */
  readonly present: ReadonlySet<SectionName>;
};

const HEADER_TO_SECTION = new Map<string, SectionName>(
  Object.entries(SECTION_HEADERS).map(([name, header]) => [header, name as SectionName]),
);

/** Removes trailing whitespace: the one normalisation every comparison applies. */
export function trimLineEnd(line: string): string {
  return line.replace(/\s+$/, "");
}

function trimBlankEnds(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === "") start++;
  while (end > start && lines[end - 1] === "") end--;
  return lines.slice(start, end);
}

export function splitSections(text: string): SimulateSections {
  const raw: Record<SectionName, string[]> = {
    preamble: [],
    current: [],
    transition: [],
    execution: [],
    revised: [],
  };
  const present = new Set<SectionName>(["preamble"]);
  let section: SectionName = "preamble";
  for (const rawLine of text.split(/\r?\n/)) {
    const line = trimLineEnd(rawLine);
    const header = HEADER_TO_SECTION.get(line);
    if (header !== undefined) {
      section = header;
      present.add(header);
      continue;
    }
    raw[section].push(line);
  }
  return {
    preamble: trimBlankEnds(raw.preamble),
    current: trimBlankEnds(raw.current),
    transition: trimBlankEnds(raw.transition),
    execution: trimBlankEnds(raw.execution),
    revised: trimBlankEnds(raw.revised),
    present,
  };
}
