import { promises as fs } from "node:fs";
import { lineAndColumn } from "./guard.js";
import { DEFAULT_XML_LIMITS, type XmlLimits } from "./limits.js";
import { type XmlElement } from "./node.js";
import { XmlRefusedError, parseXml, tooBig } from "./parse.js";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes to text for the reader: over the size limit is refused before decoding, and bytes that
 * are not UTF-8 are refused with their line (libxml2 refuses them too) rather than turned into
 * U+FFFD and written back as if they had been meant.
 */
export function decodeXmlBytes(
  bytes: Uint8Array,
  source: string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): string {
  if (bytes.length > limits.maxBytes) throw tooBig(bytes.length, source, limits);
  try {
    return UTF8.decode(bytes);
  } catch {
    // Find the first replacement character that the bytes did not spell out themselves.
    const lenient = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
    let at = lenient.indexOf("\uFFFD");
    while (at >= 0) {
      const byte = Buffer.byteLength(lenient.slice(0, at), "utf8");
      if (!(bytes[byte] === 0xef && bytes[byte + 1] === 0xbf && bytes[byte + 2] === 0xbd)) {
        const { line, column } = lineAndColumn(lenient, at);
        throw new XmlRefusedError(
          source,
          line,
          column,
          `invalid UTF-8 (byte 0x${bytes[byte].toString(16)} at offset ${byte})`,
        );
      }
      at = lenient.indexOf("\uFFFD", at + 1);
    }
    throw new XmlRefusedError(source, 1, 1, "invalid UTF-8");
  }
}

/** Parse bytes (a file, stdin, a socket payload) through the one reader. */
export function parseXmlBytes(
  bytes: Uint8Array,
  source: string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): XmlElement {
  return parseXml(decodeXmlBytes(bytes, source, limits), source, limits);
}

/**
 * Read and parse an XML file. Its size is looked at before it is read, so a file over the limit
 * costs no memory. Errors reading the file itself (ENOENT, EACCES) are thrown as they are.
 */
export async function readXmlFile(
  file: string,
  source = file,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Promise<XmlElement> {
  return parseXml(await readXmlText(file, source, limits), source, limits);
}

/** The text of an XML file, size-checked before reading and UTF-8-checked after. */
export async function readXmlText(
  file: string,
  source = file,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Promise<string> {
  const { size } = await fs.stat(file);
  if (size > limits.maxBytes) throw tooBig(size, source, limits);
  return decodeXmlBytes(await fs.readFile(file), source, limits);
}
