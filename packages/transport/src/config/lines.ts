/** One logical line of a Heartbeat config file, split into whitespace-separated words. */
export interface ConfigLine {
  /** 1-based number of the line the logical line starts on. */
  line: number;
  words: string[];
}

/**
 * Split a ha.cf-style file into logical lines. Heartbeat cuts a line at the first `#` (ha.cf has
 * no quoting) and ignores blank lines; `continuations` joins lines ending in a backslash, as
 * haresources allows. With `keepInlineComments`, only whole-line comments are dropped.
 */
export function configLines(
  text: string,
  opts: { continuations?: boolean; keepInlineComments?: boolean } = {},
): ConfigLine[] {
  const out: ConfigLine[] = [];
  const raw = text.split(/\r?\n/);
  let pending: { line: number; text: string } | undefined;
  for (let i = 0; i < raw.length; i++) {
    let body = raw[i];
    // haresources2cib reads a trailing `#name` as the group's id, so it asks for inline comments kept.
    if (opts.keepInlineComments && /^\s*#/.test(body) && !pending) continue;
    const hash = opts.keepInlineComments ? -1 : body.indexOf("#");
    if (hash >= 0) body = body.slice(0, hash);
    let continued = false;
    if (opts.continuations && /\\\s*$/.test(body)) {
      body = body.replace(/\\\s*$/, " ");
      continued = true;
    }
    const acc: { line: number; text: string } = pending
      ? { line: pending.line, text: `${pending.text} ${body}` }
      : { line: i + 1, text: body };
    if (continued && i < raw.length - 1) {
      pending = acc;
      continue;
    }
    pending = undefined;
    const words = acc.text.split(/\s+/).filter((w) => w.length > 0);
    if (words.length > 0) out.push({ line: acc.line, words });
  }
  return out;
}
