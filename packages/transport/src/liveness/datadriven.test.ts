import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Liveness } from "./core.js";
import type { LivenessConfig, LivenessEffect, LivenessEvent } from "./types.js";

/**
 * Each testdata/*.txt file is a scenario: a `config` line, then `at T EVENT` steps, each followed
 * by `> effect` lines (every effect, in order) and `? node|link ... = status` assertions.
 */
const dir = new URL("./testdata/", import.meta.url);

function render(e: LivenessEffect): string {
  switch (e.type) {
    case "send-heartbeat":
    case "send-ping":
      return e.type;
    case "node-status":
      return `node ${e.node} ${e.status} (was ${e.previous})`;
    case "link-status":
      return `link ${e.node} ${e.link} ${e.status} (was ${e.previous})`;
    case "late":
      return `late ${e.node} ${e.intervalMs}ms`;
    case "restarted":
      return `restarted ${e.node} ${e.previousGeneration}->${e.generation}`;
    case "accept":
      return `accept ${e.node} ${e.seq}`;
    case "drop":
      return `drop ${e.node} ${e.reason}`;
  }
}

function parseConfig(words: string[]): LivenessConfig {
  const kv = Object.fromEntries(words.map((w) => w.split("=") as [string, string]));
  const list = (k: string) => (kv[k] ? kv[k].split(",") : []);
  return {
    localNode: kv.local,
    nodes: list("nodes"),
    pingNodes: list("ping"),
    links: list("links"),
    keepaliveMs: Number(kv.keepalive),
    warntimeMs: Number(kv.warntime),
    deadtimeMs: Number(kv.deadtime),
    initdeadMs: Number(kv.initdead),
    // remember=b:5:1000,c:2:7: what the node accepted from each peer before its restart.
    remembered: Object.fromEntries(
      list("remember").map((r) => {
        const [node, generation, seq] = r.split(":");
        return [node, { generation: Number(generation), seq: Number(seq) }];
      }),
    ),
  };
}

function parseEvent(w: string[]): LivenessEvent {
  switch (w[0]) {
    case "hb":
      return {
        type: "heartbeat",
        from: w[1],
        link: w[2],
        generation: Number(w[3]),
        seq: Number(w[4]),
        status: w[5] ?? "active",
        addr: "10.0.0.9",
      };
    case "ping":
      return { type: "ping-reply", node: w[1], link: w[2] };
    case "start":
      return { type: "start" };
    default:
      return { type: "tick" };
  }
}

for (const file of readdirSync(dir).filter((f) => f.endsWith(".txt"))) {
  describe(`liveness scenario ${file}`, () => {
    it("produces exactly the expected effects and states at every step", () => {
      const lines = readFileSync(new URL(file, dir), "utf8").split("\n");
      let core: Liveness | undefined;
      let pending: { line: number; got: string[]; want: string[] } | undefined;
      const flush = () => {
        if (pending) expect(pending.got, `effects of the step on line ${pending.line}`).toEqual(pending.want);
        pending = undefined;
      };
      lines.forEach((raw, i) => {
        const line = raw.replace(/#.*/, "").trim();
        if (!line) return;
        const words = line.split(/\s+/);
        if (words[0] === "config") core = new Liveness(parseConfig(words.slice(1)));
        else if (words[0] === "at") {
          flush();
          const r = core!.step(Number(words[1]), parseEvent(words.slice(2)));
          pending = { line: i + 1, got: r.effects.map(render), want: [] };
        } else if (line.startsWith(">")) pending!.want.push(line.slice(1).trim());
        else if (words[0] === "?") {
          flush();
          const got = words[1] === "node" ? core!.nodeStatus(words[2]) : core!.linkStatus(words[2], words[3]);
          expect(got, `line ${i + 1}: ${line}`).toBe(words[words.length - 1]);
        } else throw new Error(`${file}:${i + 1}: cannot read ${line}`);
      });
      flush();
    });
  });
}
