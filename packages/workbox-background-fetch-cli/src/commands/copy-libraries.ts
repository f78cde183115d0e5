import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {copyBackgroundFetchLibraries} from 'workbox-background-fetch-build';
import {CliError} from '../lib/cli-error.js';
import {displayPath, formatSize} from '../lib/format.js';
import type {CliIO} from '../lib/io.js';

/**
 * `copyLibraries <dir>`: copies the prebuilt runtime and page bundles into
 * `<dir>/workbox-background-fetch-v<version>/`.
 *
 * @return The exit code.
 * @private
 */
export async function copyLibrariesCommand(dir: string | undefined, io: CliIO): Promise<number> {
  if (!dir) {
    throw new CliError(
      'copyLibraries needs the folder to copy into, like: workbox-background-fetch copyLibraries dist',
    );
  }
  const folder = await copyBackgroundFetchLibraries(dir);
  const files = readdirSync(folder)
    .sort()
    .map((name) => `${name} (${formatSize(statSync(join(folder, name)).size)})`);
  io.out(`Copied to ${displayPath(folder)}: ${files.join(', ')}.`);
  return 0;
}
