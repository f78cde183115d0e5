import {existsSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {runInThisContext} from 'node:vm';
import {CliError} from './cli-error.js';
import {displayPath, oneLine} from './format.js';

/** The config file used when none is named, as in workbox-cli. */
export const DEFAULT_CONFIG = 'workbox-config.js';

/** `import()` that TypeScript's CommonJS output leaves alone. */
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

function isNamespace(value: unknown): value is {default?: unknown} {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((value as Record<symbol, unknown>)[Symbol.toStringTag] === 'Module' ||
      (value as {__esModule?: boolean}).__esModule === true)
  );
}

/** Whether Node would load `path` as an ES module. */
function isModuleFile(path: string): boolean {
  if (path.endsWith('.mjs')) {
    return true;
  }
  if (path.endsWith('.cjs')) {
    return false;
  }
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as {type?: string}).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) {
      return false;
    }
  }
}

/**
 * Runs a CommonJS config afresh (no module cache, so `--watch` sees
 * edits), as Node's require() would: with module, exports, require,
 * __filename and __dirname.
 */
function runCommonJS(path: string): unknown {
  const wrapper = runInThisContext(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(path, 'utf8')}\n})`,
    {filename: path},
  ) as (...args: unknown[]) => void;
  const module = {exports: {} as unknown};
  wrapper(module.exports, createRequire(path), module, path, dirname(path));
  return module.exports;
}

async function runModule(path: string, fresh: boolean): Promise<unknown> {
  if (!fresh) {
    try {
      // Node 20.19+ loads ES modules with require(), synchronously.
      return createRequire(path)(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') {
        throw error;
      }
    }
  }
  return importModule(`${pathToFileURL(path).href}${fresh ? `?reload=${Date.now()}` : ''}`);
}

/**
 * Loads a config file (CommonJS `module.exports = {…}` or an ES module's
 * `export default {…}`), relative to the current folder.
 *
 * @param file The path given on the command line, if any.
 * @param fresh Read the file again even if loaded before (`--watch`).
 * @return The config and the file's absolute path.
 * @private
 */
export async function loadConfig(
  file: string | undefined,
  fresh = false,
): Promise<{config: Record<string, unknown>; path: string}> {
  const path = resolve(file ?? DEFAULT_CONFIG);
  if (!existsSync(path)) {
    throw new CliError(
      file
        ? `Cannot find the config file ${file}.`
        : `Cannot find ${DEFAULT_CONFIG} in ${process.cwd()}. Create one with ` +
            `"workbox-background-fetch init", or name your config file: ` +
            `"workbox-background-fetch generateSW path/to/config.js".`,
    );
  }
  let loaded: unknown;
  try {
    loaded = isModuleFile(path) ? await runModule(path, fresh) : runCommonJS(path);
  } catch (error) {
    throw new CliError(
      `Could not load ${displayPath(path)}: ${oneLine(String((error as Error).message))}`,
    );
  }
  const config = isNamespace(loaded) ? loaded.default : loaded;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CliError(
      `${displayPath(path)} must export a config object (module.exports = {…} or ` +
        `export default {…}), not ${Array.isArray(config) ? 'an array' : typeof config}.`,
    );
  }
  return {config: config as Record<string, unknown>, path};
}
