import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PEER_MEMORY_FILE, PeerMemory } from "./peer-memory.js";

const dirs: string[] = [];
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), "hbx-peers-"));
  dirs.push(d);
  return d;
};

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("PeerMemory", () => {
  it("remembers nothing on a first start", () => {
    expect(new PeerMemory(stateDir()).load()).toEqual({});
  });

  it("keeps every peer's generation and seq across a restart, in a file only its owner reads", () => {
    const dir = stateDir();
    const m = new PeerMemory(dir);
    m.load();
    expect(m.save(new Map([["n2", { generation: 7, seq: 120 }]]))).toBe(true);
    expect(m.save(new Map([["n3", { generation: 2, seq: 5 }]]))).toBe(true);
    expect(new PeerMemory(dir).load()).toEqual({
      n2: { generation: 7, seq: 120 },
      n3: { generation: 2, seq: 5 },
    });
    expect(statSync(join(dir, PEER_MEMORY_FILE)).mode & 0o777).toBe(0o600);
  });

  it("does not rewrite the file when nothing changed", () => {
    const dir = stateDir();
    const m = new PeerMemory(dir);
    m.save(new Map([["n2", { generation: 7, seq: 120 }]]));
    expect(m.save(new Map([["n2", { generation: 7, seq: 120 }]]))).toBe(false);
  });

  it("tells a peer's new generation from more packets of the remembered one", () => {
    const m = new PeerMemory(stateDir());
    m.save(new Map([["n2", { generation: 7, seq: 120 }]]));
    expect(m.generationChanged("n2", { generation: 7, seq: 500 })).toBe(false);
    expect(m.generationChanged("n2", { generation: 8, seq: 1 })).toBe(true);
    expect(m.generationChanged("n3", { generation: 1, seq: 1 })).toBe(true);
  });

  it("skips an unreadable line and keeps the others", () => {
    const dir = stateDir();
    writeFileSync(join(dir, PEER_MEMORY_FILE), "n2 7 120\ngarbage\nn3 x 4\nn4 3 9\n");
    expect(new PeerMemory(dir).load()).toEqual({
      n2: { generation: 7, seq: 120 },
      n4: { generation: 3, seq: 9 },
    });
    expect(readFileSync(join(dir, PEER_MEMORY_FILE), "utf8")).toContain("garbage");
  });
});
