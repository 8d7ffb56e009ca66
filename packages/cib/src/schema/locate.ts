/**
 * Maps a line of a CIB document to the element that starts there and its path
 * (/cib/configuration/resources/primitive[@id='db']), so that a libxml2 message, which names
 * only a line and a tag, can say which element is wrong. This is a location index over start
 * and end tags, not a parser: the document has already been parsed (and is well-formed) by the
 * time errors are located.
 */

export interface ElementLocation {
  name: string;
  /** Line of the `<` that opens the start tag. */
  startLine: number;
  /** Line of the `>` that closes the start tag (libxml2 reports this one). */
  endLine: number;
  path: string;
  /** Attribute names on the start tag, to tell which of several same-named elements is wrong. */
  attributes: string[];
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/?([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

interface Frame {
  step: string;
  counts: Map<string, number>;
}

export function locateElements(text: string): ElementLocation[] {
  const out: ElementLocation[] = [];
  const stack: Frame[] = [{ step: "", counts: new Map() }];
  let line = 1;
  let scanned = 0;
  const lineAt = (pos: number): number => {
    for (; scanned < pos; scanned++) if (text.charCodeAt(scanned) === 10) line++;
    return line;
  };
  for (const m of text.matchAll(TOKEN)) {
    const name = m[1];
    if (name === undefined) continue;
    const raw = m[0];
    if (raw.startsWith("</")) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const startLine = lineAt(m.index);
    const endLine = lineAt(m.index + raw.length - 1);
    const parent = stack[stack.length - 1];
    const n = (parent.counts.get(name) ?? 0) + 1;
    parent.counts.set(name, n);
    const attributes: string[] = [];
    let id: string | undefined;
    for (const a of (m[2] ?? "").matchAll(ATTR)) {
      attributes.push(a[1]);
      if (a[1] === "id") id = a[2] ?? a[3];
    }
    const qualifier = id !== undefined ? `[@id='${id}']` : n > 1 ? `[${n}]` : "";
    const path = `${parent.step}/${name}${qualifier}`;
    out.push({ name, startLine, endLine, path, attributes });
    if (!raw.endsWith("/>")) stack.push({ step: path, counts: new Map() });
  }
  return out;
}

/** The element named `name` whose start tag covers `line` (the last one, if several). */
export function elementAt(
  locations: readonly ElementLocation[],
  line: number,
  name: string,
): ElementLocation | undefined {
  let found: ElementLocation | undefined;
  for (const loc of locations) {
    if (loc.startLine > line) break;
    if (loc.name === name && loc.endLine >= line) found = loc;
  }
  return found;
}
