import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {CliError} from '../lib/cli-error.js';
import {configTemplate, workerTemplate} from '../lib/config-template.js';
import {describeFiles} from '../lib/format.js';
import type {CliIO} from '../lib/io.js';
import {DEFAULT_CONFIG} from '../lib/load-config.js';

/** Whether the nearest package.json says `"type": "module"`. */
function isModulePackage(folder: string): boolean {
  let current = folder;
  for (;;) {
    const file = join(current, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as {type?: string}).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = dirname(current);
    if (parent === current) {
      return false;
    }
    current = parent;
  }
}

/**
 * `init [config]`: writes a commented config (default `workbox-config.js`)
 * with a `backgroundFetch` section; with `injectManifest`, a config for
 * that command and a starter `src/sw.js` when there is none.
 *
 * @return The exit code.
 * @private
 */
export async function initCommand(
  file: string | undefined,
  {force, injectManifest}: {force: boolean; injectManifest: boolean},
  io: CliIO,
): Promise<number> {
  const name = file ?? DEFAULT_CONFIG;
  const path = resolve(name);
  if (existsSync(path) && !force) {
    throw new CliError(
      `${name} already exists. Edit it, or replace it with: workbox-background-fetch init --force`,
    );
  }
  const esm = name.endsWith('.mjs') || (!name.endsWith('.cjs') && isModulePackage(dirname(path)));
  const globDirectory =
    ['dist', 'build', 'public', 'www'].find((dir) => existsSync(resolve(dir))) ?? 'dist';
  const command = injectManifest ? 'injectManifest' : 'generateSW';
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, configTemplate({command, globDirectory, esm}));
  const written = [path];
  const worker = resolve('src', 'sw.js');
  if (injectManifest && !existsSync(worker)) {
    mkdirSync(dirname(worker), {recursive: true});
    writeFileSync(worker, workerTemplate);
    written.push(worker);
  }
  const next = file
    ? `workbox-background-fetch ${command} ${name}`
    : `workbox-background-fetch ${command}`;
  io.out(
    `Wrote ${describeFiles(written)}. Check globDirectory and swDest in it, then run: ${next}`,
  );
  return 0;
}
