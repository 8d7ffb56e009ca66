/**
 * The simulated LRM's world: which node really runs which primitive. A start counts from the
 * moment it begins (an agent half way through a start may already hold the IP), a stop only once
 * it ended, so overlaps are never under-counted. Each node life gets its own executor; a crashed
 * life's operations in flight change nothing.
 */
import { ExecStatus, type Execution, type OperationRequest, OcfExitCode } from "@hbx/lrm";

export interface NodeLife {
  readonly node: string;
  alive: boolean;
  /** Agents on this node take this much longer (a slow agent). */
  slowMs: number;
}

export class World {
  private readonly running = new Map<string, Set<string>>();
  ops = 0;

  nodesRunning(rsc: string): string[] {
    return [...(this.running.get(rsc) ?? [])].sort();
  }

  resources(): string[] {
    return [...this.running.keys()].sort();
  }

  isRunning(node: string, rsc: string): boolean {
    return this.running.get(rsc)?.has(node) ?? false;
  }

  start(node: string, rsc: string): void {
    let s = this.running.get(rsc);
    if (!s) this.running.set(rsc, (s = new Set()));
    s.add(node);
  }

  stop(node: string, rsc: string): void {
    this.running.get(rsc)?.delete(node);
  }

  /** A crash: the node and everything on it are gone. */
  killNode(node: string): void {
    for (const s of this.running.values()) s.delete(node);
  }

  /** The resource dies on that node (its monitor then says not running). */
  failResource(node: string, rsc: string): boolean {
    if (!this.isRunning(node, rsc)) return false;
    this.running.get(rsc)?.delete(node);
    return true;
  }

  /** The executor a node life's OperationRunner uses. */
  executor(life: NodeLife, random: () => number): (req: OperationRequest) => Execution {
    return (req) => {
      this.ops++;
      const startedAt = Date.now();
      const base = req.action === "monitor" ? 5 : 20 + Math.floor(random() * 180);
      const duration = base + life.slowMs;
      if (req.action === "start" && life.alive) this.start(life.node, req.rscId);
      let timer: NodeJS.Timeout | undefined;
      let resolve!: (o: Awaited<Execution["done"]>) => void;
      const done = new Promise<Awaited<Execution["done"]>>((r) => (resolve = r));
      const finish = (rc: number, status: ExecStatus) =>
        resolve({
          rc,
          status,
          exitReason: "",
          pid: 0,
          stdout: "",
          stderr: "",
          outputTruncated: false,
          startedAt,
          finishedAt: Date.now(),
        });
      timer = setTimeout(() => {
        timer = undefined;
        if (!life.alive) return; // the node died meanwhile: nobody hears this result
        if (req.action === "stop") this.stop(life.node, req.rscId);
        if (req.action === "monitor")
          finish(
            this.isRunning(life.node, req.rscId) ? OcfExitCode.OK : OcfExitCode.NOT_RUNNING,
            ExecStatus.DONE,
          );
        else finish(OcfExitCode.OK, ExecStatus.DONE);
      }, duration);
      return {
        pid: 0,
        done,
        cancel: () => {
          if (timer === undefined) return;
          clearTimeout(timer);
          timer = undefined;
          finish(OcfExitCode.OK, ExecStatus.CANCELLED);
        },
      };
    };
  }
}
