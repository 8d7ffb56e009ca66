import { writeFileSync } from "node:fs";
import { PACEMAKER_DEFAULT_MAX_RESOURCES, type BenchRow } from "./bench.js";
import { formatMarkdownTable } from "./table.js";

export interface RunContext {
  readonly date: Date;
  readonly cores: number;
  readonly node: string;
  readonly pacemakerVersion?: string;
  readonly timeoutSeconds: number;
  readonly runs: number;
}

/** docs/benchmarks.md: what the bench measures, then the latest table. */
export function benchmarksMarkdown(rows: readonly BenchRow[], ctx: RunContext): string {
  return `# Benchmarks

\`pnpm bench\` (after \`pnpm run build\`) generates synthetic CIBs and times hbx's
\`crm_simulate\` against Pacemaker's (\`/usr/sbin/crm_simulate\` from pacemaker-cli-utils) on the same
file, in one run, on one machine.

**The CIBs** (tools/src/bench/generate.ts): N nodes, M \`ocf:pacemaker:Dummy\` primitives with a 10 s
monitor; a fifth of them in groups of five; a location preference (50–90) on every third top-level
resource; pairs of groups colocated (INFINITY) and ordered (Mandatory); \`resource-stickiness=100\`
and \`migration-threshold=3\` as resource defaults; \`stonith-enabled=false\`. Node names either
*padded* (\`node01\`, where strcmp and numeric order agree) or *unpadded* (\`node1 … node16\`, where
Pacemaker's strcmp tie-break puts \`node10\` before \`node2\`). Two variants:
*stopped* (empty status, all nodes online) and *running* (every resource started and monitored
where a previous transition placed it, and probed — not running — on every other node).

**What is timed**: \`crm_simulate -x CIB -G graph.xml\` (schedule, print the status and the
Transition Summary, save the graph) for both; \`-S\` (simulated execution) for hbx, and for
Pacemaker only with \`--with-pacemaker-simulate\` because it takes minutes at these sizes. hbx runs
as users run it, \`node_modules/.bin/crm_simulate\` (Node's start and module loading included). Each
timing is run \`--runs\` times (3 unless told) and the run with the median wall time is reported. Wall
time of the whole process (CPU seconds, user + system, in brackets: the machine is shared, so wall
time can include waiting for a core); peak memory is GNU time's maximum resident set size. *same decisions*
compares the two Transition Summaries as multisets of lines (the count of lines in brackets).

Pacemaker is not run above ${PACEMAKER_DEFAULT_MAX_RESOURCES} resources by default: it takes minutes there. A CIB over
hbx's 64 MiB input limit (the running 64 × 10,000 one) is given to hbx with \`HBX_XML_MAX_BYTES\` raised
to its size.

Options: \`--sizes 16x1000,32x2000\`, \`--variants stopped,running\`, \`--names padded,unpadded\`,
\`--pacemaker-max N\` (no Pacemaker above N resources), \`--skip-pacemaker-large\` (N = 1000),
\`--with-pacemaker-simulate\`, \`--timeout SECONDS\`,
\`--runs N\`, \`--keep DIR\` (keep the generated CIBs and graphs).

## Latest run

${ctx.date.toISOString().slice(0, 10)}, ${ctx.cores} cores, Node ${ctx.node}${
    ctx.pacemakerVersion ? `, ${ctx.pacemakerVersion}` : ""
  }, timeout ${ctx.timeoutSeconds} s per run, median of ${ctx.runs} run${ctx.runs === 1 ? "" : "s"}.

${formatMarkdownTable(rows)}
`;
}

export function writeBenchmarksMarkdown(file: string, rows: readonly BenchRow[], ctx: RunContext): void {
  writeFileSync(file, benchmarksMarkdown(rows, ctx));
}
