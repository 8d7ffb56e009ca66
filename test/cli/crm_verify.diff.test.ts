import { describe } from "vitest";
import { runCrmVerify } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText } from "./harness.js";

const dangling = fixtureText().replace('with-rsc="vip"', 'with-rsc="ghost"');
const duplicate = fixtureText().replace('id="fs-monitor-20s"', 'id="vip-monitor-10s"');

describe("crm_verify against Pacemaker 2.1.5's", () => {
  const T = "crm_verify";
  differential(runCrmVerify, [
    { name: "a valid live CIB", tool: T, args: ["-L"], stdout: "exact" },
    { name: "a valid CIB on stdin", tool: T, args: ["-p"], stdin: fixtureText(), stdout: "exact" },
    { name: "a dangling colocation reference", tool: T, args: ["-p"], stdin: dangling, stdout: "exact" },
    { name: "a duplicate id", tool: T, args: ["-p"], stdin: duplicate, stdout: "exact" },
    { name: "a dangling reference, verbose", tool: T, args: ["-p", "-V"], stdin: dangling },
    { name: "an unknown option", tool: T, args: ["-q"] },
  ]);
});
