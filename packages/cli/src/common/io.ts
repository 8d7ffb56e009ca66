/**
 * What a tool touches outside itself, so tests can run it in-process: output streams, the
 * environment (CIB_file), standard input and the clock.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /**
   * Whole standard input as text (for `cibadmin -p`). With `maxBytes`, reading stops once more
   * than that has arrived: the reader then refuses it by size instead of memory filling up.
   */
  readStdin(maxBytes?: number): Promise<string>;
  /** Current time; fixed in tests that write lifetimes. */
  now(): Date;
  /** Directory relative file names are resolved against. */
  cwd: string;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    readStdin: async (maxBytes = Infinity) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const c of process.stdin) {
        chunks.push(c as Buffer);
        total += (c as Buffer).length;
        if (total > maxBytes) break;
      }
      return Buffer.concat(chunks).toString("utf8");
    },
    now: () => new Date(),
    cwd: process.cwd(),
  };
}

/** An in-memory io for tests: collects output, takes stdin and env from the caller. */
export function memoryIo(
  env: Record<string, string | undefined>,
  stdin = "",
  now: Date = new Date(),
): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    env,
    readStdin: async () => stdin,
    now: () => now,
    cwd: process.cwd(),
  };
  return io;
}

/** Run a tool's `run` from a main.ts and exit with its code once output is flushed. */
export function runMain(run: (argv: string[], io: CliIo) => Promise<number>): void {
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
