import { describe, expect, it } from "vitest";
import { runCibadmin } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText, runHbx } from "./harness.js";

/** The named axes cibadmin's XPath has answer as libxml2 does under Pacemaker's cibadmin. */
describe("cibadmin --xpath with named axes against Pacemaker 2.1.5's", () => {
  const T = "cibadmin";
  differential(runCibadmin, [
    {
      name: "child:: and attribute:: spelled out",
      tool: T,
      args: [
        "-Q",
        "--xpath",
        "/child::cib/child::configuration/child::nodes/child::node[attribute::uname='beta']",
      ],
      stdout: "exact",
    },
    {
      name: "parent:: with a name test",
      tool: T,
      args: ["-Q", "--xpath", "//primitive[@id='fs']/parent::group"],
      stdout: "exact",
    },
    {
      name: "parent:: that names another element",
      tool: T,
      args: ["-Q", "--xpath", "//primitive[@id='fs']/parent::clone"],
    },
    {
      name: "self::node()",
      tool: T,
      args: ["-Q", "-e", "--xpath", "//primitive/self::node()"],
      stdout: "exact",
    },
    {
      name: "deleting through parent::",
      tool: T,
      args: ["-D", "--xpath", "//op[@id='fs-monitor-20s']/parent::operations"],
    },
  ]);
});

describe("cibadmin --xpath with an axis it does not have", () => {
  for (const argv of [
    ["-Q", "--xpath", "//primitive[@id='fs']/ancestor::group"],
    ["-D", "--xpath", "//primitive[@id='fs']/ancestor::group"],
  ]) {
    it(`cibadmin ${argv[0]} refuses the expression with what is supported, changing nothing`, async () => {
      const r = await runHbx(runCibadmin, argv, fixtureText());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        "cibadmin: invalid XPath '//primitive[@id='fs']/ancestor::group' at character 23: the axis 'ancestor::' is not supported; supported: child::, self::, parent::, attribute:: in predicates, and the abbreviations /, //, ., .., @\n",
      );
      expect(r.cib).toBe(fixtureText());
    });
  }
});
