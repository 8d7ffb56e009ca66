import { DEFAULT_XML_LIMITS, type XmlLimits } from "../xml/limits.js";
import { type XmlElement } from "../xml/node.js";
import { parseXml } from "../xml/parse.js";
import { serializeXml } from "../xml/serialize.js";
import { type CibValueError, checkCibValues, formatCibValueError } from "./semantic.js";
import { cibShape, isKnownValidShape, rememberValidShape, shapeDecidesValidity } from "./known-shapes.js";
import { assertValidCib, cibSchemaText } from "./validate.js";

/** A CIB whose typed values (scores, durations, booleans, counts) are invalid. One line per value. */
export class CibValueErrors extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly CibValueError[],
  ) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    super(`${source}: ${formatCibValueError(errors[0])}${more}`);
    this.name = "CibValueErrors";
  }
}

export interface WritableOptions {
  /** The CIB being replaced: values it already held are not refused again. */
  since?: XmlElement;
  limits?: XmlLimits;
}

/**
 * Everything a CIB must pass before it is stored, in one call for every write path (the
 * tools' file writes, the DC's replace): the hardened reader (text input only: no DTD or
 * entities, depth and size limits), schemas/cib.rng, and the typed values. Throws
 * XmlSyntaxError / XmlRefusedError, CibValidationError or CibValueErrors, each a one-line
 * message naming the source and the place; returns the parsed document.
 */
export async function assertWritableCib(
  input: string | XmlElement,
  source: string,
  opts: WritableOptions = {},
): Promise<XmlElement> {
  const doc = typeof input === "string" ? parseXml(input, source, opts.limits ?? DEFAULT_XML_LIMITS) : input;
  if (typeof input === "string") await assertValidCib(input, source);
  else {
    // A document the DC built (patches applied to its CIB): its shape decides (known-shapes.ts).
    const shape = shapeDecidesValidity(cibSchemaText()) ? cibShape(input) : undefined;
    if (!isKnownValidShape(shape)) {
      await assertValidCib(serializeXml(input, { pretty: true }), source);
      rememberValidShape(shape);
    }
  }
  const errors = checkCibValues(doc, { since: opts.since });
  if (errors.length > 0) throw new CibValueErrors(source, errors);
  return doc;
}
