/**
 * Generated bad CIBs: random mutations of a valid CIB that every XML path must refuse with a
 * one-line reason and no change — truncations, DTDs and entities, undeclared or invalid
 * references, deep nesting, wrong replace roots, bad scores, intervals and meta values, values
 * over the size limit, bytes that are not UTF-8, dropped quotes and brackets. Seeded, so a
 * failing case is replayed from its seed and index. Shared by the file-path fuzz test here and
 * the socket-path one.
 */

import { seededRandom } from "@hbx/bus";

/** The bus's seeded PRNG (mulberry32), re-exported for the fuzz tests. */
export { seededRandom };

export interface BadCib {
  /** Which mutation made it, for the failure message. */
  kind: string;
  /** The document: text, or raw bytes when the mutation is about encoding. */
  input: string | Buffer;
  /** cibadmin -o SECTION for the replace, when the mutation is a wrong root. */
  scope?: string;
}

/** The size limit the generated oversized values are made to pass (set it as HBX_XML_MAX_BYTES). */
export const FUZZ_MAX_BYTES = 64 * 1024;

type Rng = () => number;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

function junk(rng: Rng): string {
  return pick(rng, [
    "banana",
    "",
    "1.5",
    "0x10",
    "--1",
    "INF",
    "INFINITYx",
    "1e6",
    "ten",
    "+-5",
    Array.from({ length: int(rng, 1, 12) }, () => String.fromCharCode(int(rng, 0x61, 0x7a))).join(""),
  ]);
}

/** Replace the value of one occurrence (chosen at random) of `attr="..."` matching `value`. */
function replaceAttr(rng: Rng, text: string, pattern: RegExp, value: string): string {
  const hits = [...text.matchAll(pattern)];
  if (hits.length === 0) throw new Error(`fixture has no ${String(pattern)}`);
  const m = pick(rng, hits);
  return text.slice(0, m.index) + m[1] + value + m[2] + text.slice(m.index + m[0].length);
}

const MUTATIONS: Record<string, (rng: Rng, cib: string) => BadCib> = {
  truncation: (rng, cib) => ({
    kind: "truncation",
    input: cib.slice(0, int(rng, 1, cib.lastIndexOf("</cib>") - 1)),
  }),
  doctype: (rng, cib) => {
    const dtd = pick(rng, [
      `<!DOCTYPE cib [<!ENTITY a "b">]>`,
      `<!DOCTYPE cib SYSTEM "file:///etc/passwd">`,
      `<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/hostname">]>`,
      `<!DOCTYPE cib [<!ENTITY % p "<!ENTITY q 'r'>"> %p;]>`,
      `<!doctype cib>`,
      `<!DOCTYPE cib [${Array.from({ length: 10 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`).join("")}<!ENTITY a0 "lol">]>`,
    ]);
    const ref = pick(rng, ["&a;", "&x;", "&a9;", "web"]);
    return { kind: "doctype", input: `${dtd}\n${cib.replace('value="web"', `value="${ref}"`)}` };
  },
  entity: (rng, cib) => {
    const ref = pick(rng, ["&a9;", "&nbsp;", "&x", "&#0;", "&#xD800;", "&#99999999;", "&#x;", "&;", "& "]);
    return { kind: "entity", input: replaceAttr(rng, cib, /( value=")[^"]*(")/g, ref) };
  },
  nesting: (rng, cib) => {
    const n = int(rng, 257, 5000);
    const at = pick(rng, ["<status>", "<resources>", "<constraints>"]);
    return { kind: "nesting", input: cib.replace(at, `${at}${"<x>".repeat(n)}${"</x>".repeat(n)}`) };
  },
  "wrong root": (rng, cib) => {
    const configuration = cib.slice(cib.indexOf("<configuration>"), cib.indexOf("</configuration>") + 16);
    const resources = cib.slice(cib.indexOf("<resources>"), cib.indexOf("</resources>") + 12);
    const choice = int(rng, 0, 4);
    if (choice === 0)
      return { kind: "wrong root", input: configuration, scope: pick(rng, ["resources", "nodes", "status"]) };
    if (choice === 1)
      return {
        kind: "wrong root",
        input: resources,
        scope: pick(rng, ["constraints", "nodes", "crm_config"]),
      };
    if (choice === 2)
      return {
        kind: "wrong root",
        input: "<configuration/>",
        scope: pick(rng, [undefined, "configuration"]),
      };
    if (choice === 3)
      return {
        kind: "wrong root",
        input: configuration.replace(/<constraints>[\s\S]*<\/constraints>/, ""),
        scope: "configuration",
      };
    return { kind: "wrong root", input: `<status/>`, scope: pick(rng, ["configuration", "resources"]) };
  },
  score: (rng, cib) => ({ kind: "score", input: replaceAttr(rng, cib, /( score=")[^"]*(")/g, junk(rng)) }),
  interval: (rng, cib) => ({
    kind: "interval",
    input: replaceAttr(
      rng,
      cib,
      /(<op [^>]*interval=")[^"]*(")/g,
      pick(rng, ["ten", "-5", "1.5s", "P", "PT", "10 parsecs", junk(rng)]),
    ),
  }),
  meta: (rng, cib) => {
    const [name, value] = pick(rng, [
      ["resource-stickiness", junk(rng)],
      ["migration-threshold", String(-int(rng, 1, 1000))],
      ["is-managed", pick(rng, ["maybe", "2", "banana"])],
      ["clone-max", pick(rng, ["-1", "two"])],
      ["failure-timeout", pick(rng, ["soon", "-1"])],
    ]);
    const nv = `<nvpair id="fuzz-${name}" name="${name}" value="${value}"/>`;
    return {
      kind: "meta",
      input: cib.replace(
        '<meta_attributes id="nginx-meta_attributes">',
        `<meta_attributes id="nginx-meta_attributes">${nv}`,
      ),
    };
  },
  "huge value": (rng, cib) => ({
    kind: "huge value",
    input: replaceAttr(
      rng,
      cib,
      /( value=")[^"]*(")/g,
      "x".repeat(FUZZ_MAX_BYTES + int(rng, 1, 4 * FUZZ_MAX_BYTES)),
    ),
  }),
  "invalid UTF-8": (rng, cib) => {
    const bytes = Buffer.from(cib, "utf8");
    const at = int(rng, 0, bytes.length - 1);
    const bad = Buffer.from(
      pick(rng, [[0xff], [0xc0, 0x80], [0x80], [0xe2, 0x28, 0xa1], [0xf8, 0x88, 0x80, 0x80, 0x80]]),
    );
    return { kind: "invalid UTF-8", input: Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]) };
  },
  "dropped character": (rng, cib) => {
    const ch = pick(rng, ['"', ">"]);
    const hits = [...cib.matchAll(ch === '"' ? /"/g : />/g)];
    const at = pick(rng, hits).index;
    return { kind: "dropped character", input: cib.slice(0, at) + cib.slice(at + 1) };
  },
};

export const MUTATION_KINDS = Object.keys(MUTATIONS);

/** One bad CIB made from `cib` (a valid CIB with scores, ops and nginx's meta attributes). */
export function generateBadCib(rng: Rng, cib: string): BadCib {
  return MUTATIONS[pick(rng, MUTATION_KINDS)](rng, cib);
}
