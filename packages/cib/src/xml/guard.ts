import { type ShapeLimits, tooDeep, tooManyChildren } from "./fast-parse.js";
import { isXmlChar } from "./references.js";

/**
 * Checks run on input the fast reader declined, before the general parser sees it: that parser
 * reads DTDs (and with them entity expansion and external entities) and recurses once per level
 * of nesting. What it must not see is refused here with its offset, so the message names the line.
 */

export interface GuardRefusal {
  offset: number;
  reason: string;
}

const DTD = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b/i;

/** An accepted reference, matched at the `&` (sticky); numeric forms bounded in length. */
const REFERENCE = /&(?:(lt|gt|amp|apos|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/y;

/**
 * The first DTD, or the first entity or character reference the reader does not expand.
 * Comments and CDATA sections are skipped (`&` means nothing there). Linear in the input: each
 * search moves forward, whatever the input repeats.
 */
export function inputGuard(text: string): GuardRefusal | undefined {
  const dtd = DTD.exec(text);
  if (dtd !== null) {
    return {
      offset: dtd.index,
      reason: `DTDs and entities are not accepted (found ${dtd[0]})`,
    };
  }
  let pos = 0;
  let comment = -2;
  let cdata = -2;
  for (;;) {
    const amp = text.indexOf("&", pos);
    if (amp < 0) return undefined;
    if (comment !== -1 && comment < pos) comment = text.indexOf("<!--", pos);
    if (cdata !== -1 && cdata < pos) cdata = text.indexOf("<![CDATA[", pos);
    const skip = [comment, cdata].filter((o) => o >= 0 && o < amp).sort((a, b) => a - b)[0];
    if (skip !== undefined) {
      const isComment = skip === comment;
      const close = text.indexOf(isComment ? "-->" : "]]>", skip + (isComment ? 4 : 9));
      // Unterminated: not well-formed, which the parser reports with its place.
      if (close < 0) return undefined;
      pos = close + 3;
      continue;
    }
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(text);
    const cp = m === null || m[1] !== undefined ? -1 : m[2] !== undefined ? Number(m[2]) : parseInt(m[3], 16);
    if (m !== null && (m[1] !== undefined || isXmlChar(cp))) {
      pos = amp + m[0].length;
      continue;
    }
    const shown = m?.[0] ?? /^&[^\s&<>"']{0,30};?/.exec(text.slice(amp, amp + 40))?.[0] ?? "&";
    return {
      offset: amp,
      reason:
        m !== null
          ? `character reference '${shown}' is not a character XML allows`
          : `DTDs and entities are not accepted: '${shown}' is none of &lt; &gt; &amp; &apos; &quot; or a character reference (&#N; or &#xN;)`,
    };
  }
}

/**
 * The first start tag nested deeper than `maxDepth`, or one child too many of its parent. A
 * rough tokenizer (comments, CDATA, processing instructions and quoted attribute values
 * skipped): it only has to bound what the general parser will meet; that parser judges syntax.
 */
export function shapeRefusal(text: string, limits: ShapeLimits): GuardRefusal | undefined {
  // children[d]: elements so far under the open element at depth d (0: the document).
  const children = [0];
  const names: string[] = [];
  let i = text.indexOf("<");
  const len = text.length;
  while (i >= 0 && i < len) {
    let next: number;
    if (text.startsWith("<!--", i)) next = end(text.indexOf("-->", i + 4), 3);
    else if (text.startsWith("<![CDATA[", i)) next = end(text.indexOf("]]>", i + 9), 3);
    else if (text.startsWith("<?", i)) next = end(text.indexOf("?>", i + 2), 2);
    else if (text.startsWith("</", i)) {
      if (children.length > 1) children.pop();
      names.pop();
      next = end(text.indexOf(">", i + 2), 1);
    } else {
      let j = i + 1;
      let quote = 0;
      for (; j < len; j++) {
        const c = text.charCodeAt(j);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e /* > */) break;
      }
      const depth = children.length - 1;
      if (++children[depth] > limits.maxChildren) {
        return { offset: i, reason: tooManyChildren(names[names.length - 1], limits) };
      }
      if (text.charCodeAt(j - 1) !== 0x2f /* / */) {
        if (depth + 1 > limits.maxDepth) return { offset: i, reason: tooDeep(limits) };
        children.push(0);
        names.push(/^[^\s/>]*/.exec(text.slice(i + 1, i + 64))![0]);
      }
      next = j + 1;
    }
    if (next < 0) return undefined;
    i = text.indexOf("<", next);
  }
  return undefined;
}

function end(found: number, width: number): number {
  return found < 0 ? -1 : found + width;
}

/** 1-based line and column of an offset, for messages (only computed on the error path). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
