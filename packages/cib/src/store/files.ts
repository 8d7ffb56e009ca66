import { createHash } from "node:crypto";
import { cibFileDigest, cibFileTree } from "../digest/cibDigest.js";
import { type XmlElement } from "../xml/node.js";
import { serializeXml } from "../xml/serialize.js";
import { dirname } from "node:path";
import { renameSync } from "node:fs";
import { syncDirectory, writeTemporary } from "./atomicFile.js";

/** The cib.xml text for a version and its cib.xml.sig, as Pacemaker would write them. */
export interface CibFileImage {
  text: string;
  sig: string;
  sha: string;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function fileImage(doc: XmlElement, writtenAt: Date): CibFileImage {
  const tree = cibFileTree(doc, writtenAt);
  const text = serializeXml(tree, { pretty: true });
  return { text, sig: cibFileDigest(tree), sha: sha256(text) };
}

/**
 * Both files written and fsynced under temporary names, renamed into place (cib.xml first),
 * then the directory synced once, as Pacemaker does: each file is always whole.
 */
export function writeFileImage(cibPath: string, sigPath: string, image: { text: string; sig: string }): void {
  const cibTmp = writeTemporary(cibPath, image.text);
  const sigTmp = writeTemporary(sigPath, image.sig);
  renameSync(cibTmp, cibPath);
  renameSync(sigTmp, sigPath);
  syncDirectory(dirname(cibPath));
}
