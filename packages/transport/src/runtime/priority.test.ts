import { describe, expect, it } from "vitest";
import { parseHaCf } from "../config/index.js";
import { wantsRealtime } from "./priority.js";

const hacf = (extra: string) => parseHaCf(`${extra}\nnode n1 n2\nbcast lo\n`, "ha.cf");

describe("ha.cf realtime", () => {
  it("is on unless ha.cf turns it off, as in Heartbeat", () => {
    expect(wantsRealtime(hacf(""))).toBe(true);
    expect(wantsRealtime(hacf("realtime on"))).toBe(true);
    expect(wantsRealtime(hacf("realtime off"))).toBe(false);
    expect(wantsRealtime(hacf("realtime on\nrealtime no"))).toBe(false);
  });
});
