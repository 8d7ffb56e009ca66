import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@hbx/cib";
import { loadHaCf, loadHaresources, parseHaCf, parseHaresources } from "@hbx/transport";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { InProcessNetwork } from "./adapters/in-process-cluster.js";
import { V1ConfigError } from "./groups.js";
import { createV1Mode } from "./mode.js";

const logger = pino({ level: "silent" });
const examples = readdirSync(join(repoRoot, "examples")).filter((d) =>
  existsSync(join(repoRoot, "examples", d, "haresources")),
);

describe("createV1Mode", () => {
  it.each(examples)("builds the groups of examples/%s in haresources order", (name) => {
    const dir = join(repoRoot, "examples", name);
    const haCf = loadHaCf(join(dir, "ha.cf"));
    const haresources = loadHaresources(join(dir, "haresources"));
    const net = new InProcessNetwork(haCf.nodes);
    const v1 = createV1Mode({
      haCf,
      haresources,
      node: haCf.nodes[0],
      cluster: net.join(haCf.nodes[0]),
      logger,
    });
    expect([...v1.groupStates().values()].every((s) => s === "stopped")).toBe(true);
    expect(v1.groupStates().size).toBe(haresources.length);
    expect(v1.rscStatus()).toBe("none");
  });

  it("refuses a group whose preferred node ha.cf does not list, naming haresources file:line", () => {
    const haCf = parseHaCf("node alpha bravo\nucast lo 127.0.0.2\n", "ha.cf");
    const haresources = parseHaresources("alpha web\n\ncharlie 10.0.0.1 app\n", "/etc/ha.d/haresources");
    const net = new InProcessNetwork(haCf.nodes);
    const make = () => createV1Mode({ haCf, haresources, node: "alpha", cluster: net.join("alpha"), logger });
    expect(make).toThrow(V1ConfigError);
    expect(make).toThrow(
      "/etc/ha.d/haresources:3: expected the preferred node to be one of ha.cf's nodes (alpha, bravo), found charlie",
    );
  });

  it("refuses two groups with the same #id", () => {
    const haCf = parseHaCf("node alpha bravo\nucast lo 127.0.0.2\n", "ha.cf");
    const haresources = parseHaresources("alpha web #www\nbravo app #www\n", "haresources");
    const net = new InProcessNetwork(haCf.nodes);
    expect(() =>
      createV1Mode({ haCf, haresources, node: "alpha", cluster: net.join("alpha"), logger }),
    ).toThrow("haresources:2: expected a unique group id, found www again (first on line 1)");
  });
});
