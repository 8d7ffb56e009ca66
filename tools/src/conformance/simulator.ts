/**
 * A Simulator runs one `crm_simulate ARGV` and returns its output. Every failure mode — crash,
 * non-zero exit, hang past the timeout — comes back as a result, never as a thrown error, so a
 * broken case is scored as a mismatch and listed while the run goes on.
 */

export interface SimulateResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; undefined when the run crashed or timed out. */
  readonly exitCode: number | undefined;
  /** Why the run has no usable output (crash, timeout, signal), if so. */
  readonly failure?: string;
  readonly ms: number;
}

export interface Simulator {
  /** What runs the cases, for the report header. */
  readonly description: string;
  /** How many cases may run at once. */
  readonly concurrency: number;
  simulate(argv: readonly string[]): Promise<SimulateResult>;
  close(): Promise<void>;
}

/** Output beyond this is cut: a runaway loop printing forever must not exhaust memory. */
export const MAX_OUTPUT_CHARS = 32 * 1024 * 1024;

/** Collects written chunks up to MAX_OUTPUT_CHARS. */
export class OutputBuffer {
  private chunks: string[] = [];
  private size = 0;
  truncated = false;

  write(chunk: unknown): boolean {
    const text =
      typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
    if (this.size + text.length > MAX_OUTPUT_CHARS) {
      this.truncated = true;
      return true;
    }
    this.chunks.push(text);
    this.size += text.length;
    return true;
  }

  text(): string {
    return this.chunks.join("") + (this.truncated ? "\n[output truncated]\n" : "");
  }
}
