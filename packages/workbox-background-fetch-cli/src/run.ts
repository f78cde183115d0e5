import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {buildCommand} from './commands/build.js';
import {copyLibrariesCommand} from './commands/copy-libraries.js';
import {initCommand} from './commands/init.js';
import {helpText} from './help-text.js';
import {CliError} from './lib/cli-error.js';
import {processIO} from './lib/io.js';
import type {CliIO} from './lib/io.js';
import {reportError} from './lib/report-error.js';

const commands = ['generateSW', 'injectManifest', 'copyLibraries', 'init'] as const;
type Command = (typeof commands)[number];

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function closest(input: string): string | undefined {
  const lower = input.toLowerCase();
  return commands.find(
    (command) =>
      command.toLowerCase().startsWith(lower.slice(0, 3)) ||
      lower.startsWith(command.toLowerCase().slice(0, 4)),
  );
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        help: {type: 'boolean', short: 'h'},
        version: {type: 'boolean', short: 'v'},
        watch: {type: 'boolean', short: 'w'},
        debug: {type: 'boolean'},
        force: {type: 'boolean'},
        injectManifest: {type: 'boolean'},
      },
    });
  } catch (error) {
    const option = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    throw new CliError(
      option
        ? `Unknown option ${option}. Run "workbox-background-fetch --help" for the options.`
        : `${(error as Error).message} Run "workbox-background-fetch --help".`,
    );
  }
}

/**
 * Runs the `workbox-background-fetch` command line.
 *
 * @param args The arguments after the program name.
 * @param io Where to write; `io.signal` stops `--watch`.
 * @return The exit code: 0 on success, 1 on any error.
 */
export async function run(args: string[], io: CliIO = processIO): Promise<number> {
  let debug = args.includes('--debug');
  try {
    const {values, positionals} = parse(args);
    debug = Boolean(values.debug);
    if (values.version) {
      io.out(version());
      return 0;
    }
    const [name, ...rest] = positionals;
    if (values.help) {
      io.out(helpText);
      return 0;
    }
    if (!name) {
      io.out(helpText);
      return 1;
    }
    const command = commands.find((c) => c.toLowerCase() === name.toLowerCase()) as
      | Command
      | undefined;
    if (!command) {
      const suggestion = closest(name);
      throw new CliError(
        `Unknown command '${name}'.` +
          (suggestion ? ` Did you mean '${suggestion}'?` : '') +
          ` Commands: ${commands.join(', ')}.`,
      );
    }
    if (rest.length > 1) {
      throw new CliError(
        `${command} takes one ${command === 'copyLibraries' ? 'folder' : 'config file'}, got ` +
          `${rest.length}: ${rest.join(' ')}.`,
      );
    }
    if (values.watch && command !== 'generateSW' && command !== 'injectManifest') {
      throw new CliError(`--watch works with generateSW and injectManifest, not ${command}.`);
    }
    if ((values.force || values.injectManifest) && command !== 'init') {
      throw new CliError(`--${values.force ? 'force' : 'injectManifest'} only works with init.`);
    }
    switch (command) {
      case 'generateSW':
      case 'injectManifest':
        return await buildCommand(command, rest[0], {watch: Boolean(values.watch), debug}, io);
      case 'copyLibraries':
        return await copyLibrariesCommand(rest[0], io);
      case 'init':
        return await initCommand(
          rest[0],
          {force: Boolean(values.force), injectManifest: Boolean(values.injectManifest)},
          io,
        );
    }
  } catch (error) {
    reportError(error, debug, io);
    return 1;
  }
}

/**
 * The `workbox-background-fetch` program: `run()` on the process's
 * streams, `--watch` stopped by Ctrl+C.
 *
 * @param args The arguments after the program name.
 * @return The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(args, {...processIO, signal: controller.signal});
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
