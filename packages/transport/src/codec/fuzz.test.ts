import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAuthkeys } from "../config/index.js";
import { verifyMessage } from "../auth/index.js";
import { DecodeError, decodeMessage } from "./index.js";

const seeds = ["status-sha1.bin", "status-md5.bin", "status-crc.bin"].map((f) =>
  readFileSync(new URL(`./testdata/${f}`, import.meta.url)),
);
const authkeys = parseAuthkeys("auth 1\n1 sha1 secretkey\n2 md5 md5secret\n3 crc\n", "authkeys");

/** xorshift32: a seeded generator so a failing mutation can be reproduced from its index. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const INTERESTING = [
  "0",
  "9",
  ":",
  ",",
  "-",
  "(",
  ")",
  "=",
  "#",
  "%",
  "\n",
  "999999999",
  "2",
  "(2)",
  "###\n",
  "%%%\n",
];

function mutate(base: Buffer, r: () => number): Buffer {
  let b = Buffer.from(base);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: // flip a byte
        if (b.length) b[at % b.length] = Math.floor(r() * 256);
        break;
      case 1: // truncate
        b = b.subarray(0, at);
        break;
      case 2: // insert a token that matters to the grammar
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(INTERESTING[Math.floor(r() * INTERESTING.length)]),
          b.subarray(at),
        ]);
        break;
      case 3: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + Math.floor(r() * 16))]);
        break;
      case 4: // duplicate a run (nesting, repeated fields)
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + Math.floor(r() * 64)), b.subarray(at)]);
        break;
      default: // bump a digit
        if (b.length && b[at % b.length] >= 0x30 && b[at % b.length] <= 0x39)
          b[at % b.length] = 0x30 + Math.floor(r() * 10);
    }
  }
  return b;
}

describe("decoder fuzzing", () => {
  it("survives 100,000 seeded mutations of real packets with only DecodeErrors or auth failures", () => {
    const r = rng(0x5eed);
    const counts = { decoded: 0, rejected: 0, authOk: 0 };
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) {
      const pkt = mutate(seeds[i % seeds.length], r);
      try {
        const p = decodeMessage(pkt);
        counts.decoded++;
        if (verifyMessage(p, authkeys).ok) counts.authOk++;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`mutation ${i} threw ${String(e)}`);
        counts.rejected++;
      }
    }
    const ms = performance.now() - started;
    process.stdout.write(
      `fuzz: 100000 mutations in ${ms.toFixed(0)} ms (${counts.decoded} decoded, ${counts.rejected} rejected, ${counts.authOk} still authentic)\n`,
    );
    expect(counts.decoded + counts.rejected).toBe(100_000);
    expect(counts.rejected).toBeGreaterThan(10_000);
    // A mutation that still authenticates must have left the signed bytes intact.
    expect(counts.authOk).toBeLessThan(counts.decoded);
  });
});
