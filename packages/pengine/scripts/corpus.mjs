// Quick corpus check while iterating: runs the built crm_simulate on each case of a tier and
// compares Transition Summary (as a multiset) and Revised Cluster Status with summary/*.summary.
// Usage: node packages/pengine/scripts/corpus.mjs [tier] [-v]
import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { run } from "../../cli/dist/crm_simulate/run.js";

const dir =
  process.env.HBX_SCHEDULER_CORPUS ?? resolve(import.meta.dirname, "../../../../shared/pacemaker-scheduler");
const tier = process.argv[2] ?? "1";
const verbose = process.argv.includes("-v");
const only = process.argv.find((a) => a.startsWith("--case="))?.slice(7);

function section(text, title) {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l === title);
  if (i < 0) return [];
  const out = [];
  for (let j = i + 1; j < lines.length; j++) {
    if (/^\S/.test(lines[j])) break;
    out.push(lines[j]);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}
const norm = (l) => l.replace(/\s+/g, " ").trim();
const rows = readFileSync(resolve(dir, "cases.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split("\t"));
let dTotal = 0,
  dOk = 0,
  sTotal = 0,
  sOk = 0,
  crashes = 0;
const failures = [];
const t0 = Date.now();
for (const [name, t, args] of rows) {
  if (t !== tier || (only && name !== only)) continue;
  const xml = resolve(dir, "xml", `${name}.xml`);
  const sum = resolve(dir, "summary", `${name}.summary`);
  if (!existsSync(xml) || !existsSync(sum)) continue;
  const expected = readFileSync(sum, "utf8");
  let out = "";
  let err = "";
  const extra = (args ?? "").trim()
    ? args.match(/-t (.*)/)
      ? ["-t", args.match(/-t (.*)/)[1]]
      : args.trim().split(/\s+/)
    : [];
  try {
    run(["-S", "-x", xml, ...extra], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  } catch (e) {
    err += String(e.stack);
    crashes++;
  }
  const expT = section(expected, "Transition Summary:")
    .filter((l) => l.trim())
    .map(norm)
    .sort();
  const gotT = section(out, "Transition Summary:")
    .filter((l) => l.trim())
    .map(norm)
    .sort();
  const expS = section(expected, "Revised Cluster Status:");
  const gotS = section(out, "Revised Cluster Status:");
  const dMatch = JSON.stringify(expT) === JSON.stringify(gotT);
  const sMatch = JSON.stringify(expS) === JSON.stringify(gotS);
  if (expT.length > 0) {
    dTotal++;
    if (dMatch) dOk++;
  }
  sTotal++;
  if (sMatch) sOk++;
  if (!dMatch || !sMatch) {
    failures.push(
      `${name}${dMatch ? "" : " [decisions]"}${sMatch ? "" : " [status]"}${err ? " ERR " + err.split("\n")[0] : ""}`,
    );
    if (verbose) {
      if (!dMatch)
        console.log(
          `--- ${name} decisions\n expected:\n  ${expT.join("\n  ")}\n got:\n  ${gotT.join("\n  ")}`,
        );
      if (!sMatch) {
        const diff = [];
        for (let i = 0; i < Math.max(expS.length, gotS.length); i++)
          if (expS[i] !== gotS[i])
            diff.push(`  - ${JSON.stringify(expS[i])}\n  + ${JSON.stringify(gotS[i])}`);
        console.log(`--- ${name} status\n${diff.slice(0, 6).join("\n")}`);
      }
      if (err) console.log(err);
    }
  }
}
console.log(failures.join("\n"));
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : "n/a");
console.log(
  `tier ${tier}: decisions ${dOk}/${dTotal} (${pct(dOk, dTotal)}%), status ${sOk}/${sTotal} (${pct(sOk, sTotal)}%), crashes ${crashes}, ${Date.now() - t0} ms`,
);
