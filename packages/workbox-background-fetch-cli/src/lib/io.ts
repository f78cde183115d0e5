/** Where the CLI writes, and how it is stopped (tests give their own). */
export interface CliIO {
  /** One line of normal output. */
  out(line: string): void;
  /** One line of error output. */
  err(line: string): void;
  /** Aborting it stops `--watch`. */
  signal?: AbortSignal;
}

/** The process's streams. @private */
export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
