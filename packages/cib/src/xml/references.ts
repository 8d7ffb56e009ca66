/**
 * The only references the reader expands: the five predefined entities and numeric character
 * references. Every other `&name;` needs a DTD to mean anything, and DTDs are refused, so no
 * input can expand into more than it says (billion laughs) or pull in a file (XXE).
 */
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

/** One reference as it may appear, or a bare `&` that starts none. */
const REFERENCE = /&(?:(lt|gt|amp|apos|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));|&/g;

/** Whether a code point may appear in an XML 1.0 document at all. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * Expand the references in an attribute value or text, in one pass (so `&amp;#65;` stays
 * `&#65;`). Returns the offset of the first reference that is not accepted, instead, so the
 * caller can name its place.
 */
export function decodeReferences(raw: string): string | { badAt: number; ref: string } {
  if (!raw.includes("&")) return raw;
  let bad: { badAt: number; ref: string } | undefined;
  const out = raw.replace(
    REFERENCE,
    (ref: string, name?: string, dec?: string, hex?: string, at?: number) => {
      if (name !== undefined) return PREDEFINED[name];
      const cp = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : -1;
      if (cp >= 0 && isXmlChar(cp)) return String.fromCodePoint(cp);
      bad ??= { badAt: at ?? 0, ref: /^&[^\s&<>"']{0,20};?/.exec(raw.slice(at ?? 0))?.[0] ?? "&" };
      return ref;
    },
  );
  return bad ?? out;
}
