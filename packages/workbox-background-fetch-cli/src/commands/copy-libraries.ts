import {readdirSync, statSync} from 'node:fs';
import {basename, join} from 'node:path';
import {copyBackgroundFetchLibraries} from 'workbox-background-fetch-build';
import {CliError} from '../lib/cli-error.js';
import {displayPath, formatSize} from '../lib/format.js';
import type {CliIO} from '../lib/io.js';

/** What each copied bundle is for, by file name prefix. */
const KINDS = [
  {
    prefix: 'workbox-background-fetch-window.',
    what: 'page library (global workbox.backgroundFetchWindow, for <script src>)',
  },
  {
    prefix: 'workbox-background-fetch.',
    what: 'worker runtime (global workbox.backgroundFetch, for importScripts())',
  },
];

/**
 * `copyLibraries <dir>`: copies the prebuilt runtime and page bundles into
 * `<dir>/workbox-background-fetch-v<version>/`, and lists them by kind with
 * their sizes, then how a page loads the page library.
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
  const names = readdirSync(folder).sort();
  const describe = (name: string) => `${name} (${formatSize(statSync(join(folder, name)).size)})`;
  io.out(`Copied ${names.length} files to ${displayPath(folder)}/:`);
  for (const {prefix, what} of KINDS) {
    const scripts = names.filter((name) => name.startsWith(prefix) && name.endsWith('.js'));
    if (scripts.length > 0) {
      // prod first: the one to use.
      scripts.sort((a, b) => Number(b.includes('.prod.')) - Number(a.includes('.prod.')));
      io.out(`  ${what}: ${scripts.map(describe).join(', ')}`);
    }
  }
  const maps = names.filter((name) => name.endsWith('.map'));
  if (maps.length > 0) {
    io.out(`  source maps: ${maps.join(', ')}`);
  }
  const page = names.find((name) => name.startsWith(KINDS[0].prefix) && name.includes('.prod.'));
  if (page) {
    io.out(
      `A page served from ${displayPath(dir)} loads it with ` +
        `<script src="/${basename(folder)}/${page}"></script>. Keep the .dev.js and .map files out of ` +
        `your precache (globIgnores, as "workbox-background-fetch init" writes).`,
    );
  }
  return 0;
}
