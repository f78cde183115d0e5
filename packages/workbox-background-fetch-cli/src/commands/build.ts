import {basename, dirname, resolve, sep} from 'node:path';
import {generateSW, injectManifest} from 'workbox-background-fetch-build';
import type {BuildResult} from 'workbox-background-fetch-build';
import {CliError} from '../lib/cli-error.js';
import {describeFiles, formatSize, oneLine} from '../lib/format.js';
import type {CliIO} from '../lib/io.js';
import {loadConfig} from '../lib/load-config.js';
import {reportError} from '../lib/report-error.js';
import {watchFiles} from '../lib/watch-files.js';

/** The two build commands. @private */
export type BuildCommand = 'generateSW' | 'injectManifest';

/** workbox-build's runtime chunk, our bundle, and their maps. */
const GENERATED = /^workbox-(?:background-fetch-sw\.)?[0-9a-f]{8}\.js(?:\.map)?$/;

function resultLine(result: BuildResult): string {
  const urls = `${result.count} URL${result.count === 1 ? '' : 's'}`;
  return (
    `Wrote ${describeFiles(result.filePaths)}. ` +
    `The service worker precaches ${urls} (${formatSize(result.size)}).`
  );
}

async function buildOnce(
  command: BuildCommand,
  configFile: string | undefined,
  fresh: boolean,
  io: CliIO,
): Promise<{config: Record<string, unknown>; path: string; result: BuildResult}> {
  const {config, path} = await loadConfig(configFile, fresh);
  try {
    const result =
      command === 'generateSW'
        ? await generateSW(config as never)
        : await injectManifest(config as never);
    io.out(resultLine(result));
    for (const warning of result.warnings) {
      io.err(`Warning: ${oneLine(warning)}`);
    }
    return {config, path, result};
  } catch (error) {
    throw Object.assign(error as Error, {configPath: path});
  }
}

/**
 * `generateSW [config]` and `injectManifest [config]`: one build, or with
 * `watch`, a build on every change of the config, of `globDirectory`, or
 * (injectManifest) of `swSrc`'s folder, until `io.signal` aborts.
 *
 * @return The exit code.
 * @private
 */
export async function buildCommand(
  command: BuildCommand,
  configFile: string | undefined,
  {watch, debug}: {watch: boolean; debug: boolean},
  io: CliIO,
): Promise<number> {
  if (!watch) {
    await buildOnce(command, configFile, false, io);
    return 0;
  }
  // The first build must at least find a config; later failures are reported
  // and watching goes on.
  let outputs = new Set<string>();
  let config: Record<string, unknown>;
  let configPath: string;
  try {
    const first = await buildOnce(command, configFile, false, io);
    ({config, path: configPath} = first);
    outputs = new Set(first.result.filePaths.map((file) => resolve(file)));
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    reportError(error, debug, io);
    ({config, path: configPath} = await loadConfig(configFile));
  }
  const swDest = typeof config.swDest === 'string' ? resolve(config.swDest) : undefined;
  const isOutput = (file: string) =>
    outputs.has(file) ||
    file === swDest ||
    file === `${swDest}.map` ||
    (swDest !== undefined && dirname(file) === dirname(swDest) && GENERATED.test(basename(file))) ||
    file.split(sep).includes('node_modules');
  const watched = [configPath];
  if (typeof config.globDirectory === 'string') {
    watched.push(config.globDirectory);
  }
  if (command === 'injectManifest' && typeof config.swSrc === 'string') {
    watched.push(dirname(config.swSrc));
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const rebuild = async () => {
    do {
      again = false;
      try {
        const {result} = await buildOnce(command, configFile, true, io);
        outputs = new Set(result.filePaths.map((file) => resolve(file)));
      } catch (error) {
        reportError(error, debug, io);
      }
    } while (again);
    running = undefined;
  };
  const stop = watchFiles(watched, (file) => {
    if (isOutput(file)) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        again = true;
      } else {
        running = rebuild();
      }
    }, 150);
  });
  io.out('Watching for changes… (Ctrl+C to stop)');
  await new Promise<void>((resolveWait) => {
    if (!io.signal || io.signal.aborted) {
      // Nothing can stop the watch: only a test without a signal gets here.
      return resolveWait();
    }
    io.signal.addEventListener('abort', () => resolveWait(), {once: true});
  });
  stop();
  clearTimeout(timer);
  await running;
  return 0;
}
