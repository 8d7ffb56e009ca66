import { describe, expect, it } from "vitest";
import { splitSections } from "./sections.js";

// Shaped like Pacemaker's real `crm_simulate -S` output (origin and a DISABLED-count case).
const OUTPUT = [
  "Using the original execution date of: 2017-08-21 17:12:54Z",
  "Current cluster status:",
  "  * Node List:",
  "    * Online: [ node1 ]",
  "",
  "  * Full List of Resources:",
  "    * resD\t(ocf:heartbeat:Dummy):\t Started node1   ",
  "",
  "1 of 3 resource instances DISABLED and 0 BLOCKED from further action due to failure",
  "",
  "Transition Summary:",
  "  * Stop       resD     ( node1 )  due to node availability",
  "",
  "Executing Cluster Transition:",
  "  * Resource action: resD            monitor=3600000 on node1",
  "Setting effective cluster time: 2014-05-07 00:28:00",
  "",
  "Revised Cluster Status:",
  "  * Node List:",
  "    * Online: [ node1 ]",
  "",
  "  * Full List of Resources:",
  "    * resD\t(ocf:heartbeat:Dummy):\t Stopped",
  "",
].join("\n");

describe("splitSections", () => {
  const s = splitSections(OUTPUT);

  it("puts text before the first header in the preamble", () => {
    expect(s.preamble).toEqual(["Using the original execution date of: 2017-08-21 17:12:54Z"]);
  });

  it("keeps column-0 lines that are not headers inside their section", () => {
    expect(s.current.at(-1)).toBe(
      "1 of 3 resource instances DISABLED and 0 BLOCKED from further action due to failure",
    );
    expect(s.execution.at(-1)).toBe("Setting effective cluster time: 2014-05-07 00:28:00");
  });

  it("trims trailing whitespace and blank lines at the section ends, keeping inner blanks", () => {
    expect(s.current[4]).toBe("    * resD\t(ocf:heartbeat:Dummy):\t Started node1");
    expect(s.transition).toEqual(["  * Stop       resD     ( node1 )  due to node availability"]);
    expect(s.revised).toEqual([
      "  * Node List:",
      "    * Online: [ node1 ]",
      "",
      "  * Full List of Resources:",
      "    * resD\t(ocf:heartbeat:Dummy):\t Stopped",
    ]);
  });

  it("records which headers were present, so truncated output is told from an empty section", () => {
    const cut = splitSections("Current cluster status:\n  * Node List:\nTransition Summary:\n");
    expect([...cut.present].sort()).toEqual(["current", "preamble", "transition"]);
    expect(cut.transition).toEqual([]);
    expect(cut.revised).toEqual([]);
  });
});
