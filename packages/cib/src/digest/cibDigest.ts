import { type XmlElement, cloneElement, firstChild } from "../xml/node.js";
import { digestV1, digestV2 } from "./xmlDigest.js";

/**
 * Digest of the `<configuration>` section alone: two CIBs with the same configuration have the
 * same digest whatever their version counters, timestamps or status say. Computed with
 * Pacemaker's v1 algorithm over the section as written (attribute and child order matter, as
 * they do to Pacemaker). A CIB without a configuration section digests an empty one.
 */
export function configurationDigest(cib: XmlElement): string {
  return digestV1(
    firstChild(cib, "configuration") ?? { kind: "element", name: "configuration", attrs: {}, children: [] },
  );
}

/**
 * What `cib.xml.sig` holds for a cib.xml whose root is `written`: Pacemaker's v1 digest of the
 * whole document exactly as it is in the file (Pacemaker writes the file without `<status>`,
 * with num_updates="0" and a cib-last-written stamp, then digests that same tree). Pacemaker's
 * `cibadmin -5` prints the same value, and its CIB_file mode refuses a cib.xml whose .sig differs.
 */
export function cibFileDigest(written: XmlElement): string {
  return digestV1(written);
}

/**
 * The whole-CIB digest Pacemaker logs and records in patchsets (feature set ≥ 3.0.5): v2 digest,
 * volatile attributes (cib-last-written, update-origin, update-client, update-user,
 * crm-debug-origin) left out.
 */
export function cibDigest(cib: XmlElement): string {
  return digestV2(cib);
}

/**
 * The tree Pacemaker writes to cib.xml for a CIB: the status section dropped (it is rebuilt at
 * start-up), num_updates reset to 0 and the time of writing stamped on the root.
 */
export function cibFileTree(cib: XmlElement, writtenAt: Date): XmlElement {
  const copy = cloneElement(cib);
  copy.children = copy.children.filter((c) => !(c.kind === "element" && c.name === "status"));
  copy.attrs.num_updates = "0";
  copy.attrs["cib-last-written"] = formatLastWritten(writtenAt);
  return copy;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ctime(3) format, as Pacemaker stamps cib-last-written: "Wed Jun 30 21:49:08 2021". */
export function formatLastWritten(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, " ");
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${d.getFullYear()}`;
}
