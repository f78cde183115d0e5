/**
 * A failure the CLI explains in one line (no stack, even with `--debug`):
 * a missing file, a bad argument.
 *
 * @private
 */
export class CliError extends Error {
  /**
   * @param message One sentence: what went wrong and what to do.
   */
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
