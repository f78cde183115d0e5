import {CliError} from './cli-error.js';
import {displayPath, oneLine} from './format.js';
import type {CliIO} from './io.js';

/** The parts of a BackgroundFetchConfigError the CLI uses (checked by shape). */
interface ConfigError extends Error {
  issues: string[];
  configPath?: string;
}

function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof Error &&
    error.name === 'BackgroundFetchConfigError' &&
    Array.isArray((error as ConfigError).issues)
  );
}

/**
 * Reports an error in one line on `io.err`; with `debug`, every config
 * problem and the stack too.
 *
 * @private
 */
export function reportError(error: unknown, debug: boolean, io: CliIO): void {
  if (isConfigError(error)) {
    const [first, ...rest] = error.issues;
    const where = error.configPath ? `${displayPath(error.configPath)}: ` : '';
    const more = rest.length
      ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'}; run with --debug to list them)`
      : '';
    io.err(`Error: ${where}${first}${debug ? '' : more}`);
    if (debug) {
      for (const issue of rest) {
        io.err(`Error: ${where}${issue}`);
      }
    }
  } else {
    io.err(`Error: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  }
  if (debug && error instanceof Error && !(error instanceof CliError) && error.stack) {
    io.err(error.stack);
  }
}
