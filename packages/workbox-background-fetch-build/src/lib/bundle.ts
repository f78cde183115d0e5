import {basename} from 'node:path';
import * as esbuild from 'esbuild';
import {resolveDirs} from './runtime-paths.js';

/** Browsers the runtime supports (as its own IIFE build). @private */
export const TARGET = ['chrome100', 'firefox100', 'safari15'];

/** What to bundle: a file, or generated source. @private */
export type BundleEntry =
  | {file: string}
  | {contents: string; resolveDir: string; sourcefile: string};

/** Options of `bundle()`. @private */
export interface BundleOptions {
  /** `'production'` drops dev-only code; anything else keeps it. */
  mode: string;
  minify: boolean;
  sourcemap: boolean;
  /** Where the result will be written: source map paths are relative to it. */
  outfile: string;
  /** The app's folder, searched first for `workbox-*` modules. */
  appDir?: string;
  /** Modules generated in memory, by import specifier. */
  virtualModules?: Record<string, {contents: string; resolveDir: string}>;
}

/** A bundled worker script. @private */
export interface BundleOutput {
  code: string;
  /** The source map, when asked for; `code` carries no `sourceMappingURL`. */
  map?: string;
}

/**
 * Resolves every `workbox-*` import (from the app or from the runtime) in
 * the same folders, first match wins, so one bundle never holds two copies
 * of workbox-core or workbox-routing.
 */
function oneCopyOfWorkbox(dirs: string[]): esbuild.Plugin {
  return {
    name: 'workbox-background-fetch-one-copy',
    setup(build) {
      build.onResolve({filter: /^workbox-[a-z-]+(\/.*)?$/}, async (args) => {
        if ((args.pluginData as {again?: boolean} | undefined)?.again) {
          return undefined;
        }
        for (const resolveDir of dirs) {
          const result = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir,
            pluginData: {again: true},
          });
          if (result.errors.length === 0) {
            return {path: result.path, sideEffects: result.sideEffects};
          }
        }
        return undefined;
      });
    },
  };
}

function virtualModules(modules: NonNullable<BundleOptions['virtualModules']>): esbuild.Plugin {
  const names = Object.keys(modules);
  const escaped = names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return {
    name: 'workbox-background-fetch-virtual',
    setup(build) {
      if (names.length === 0) {
        return;
      }
      build.onResolve({filter: new RegExp(`^(${escaped.join('|')})$`)}, (args) => ({
        path: args.path,
        namespace: 'workbox-background-fetch-virtual',
      }));
      build.onLoad({filter: /.*/, namespace: 'workbox-background-fetch-virtual'}, (args) => ({
        contents: modules[args.path].contents,
        resolveDir: modules[args.path].resolveDir,
        loader: 'js',
      }));
    },
  };
}

/**
 * Bundles a service worker script with esbuild into one classic script
 * (an IIFE, loadable by `importScripts()` or as the worker itself), with
 * `process.env.NODE_ENV` set from `mode`.
 *
 * @private
 */
export async function bundle(entry: BundleEntry, options: BundleOptions): Promise<BundleOutput> {
  const result = await esbuild.build({
    ...('file' in entry
      ? {entryPoints: [entry.file]}
      : {
          stdin: {
            contents: entry.contents,
            resolveDir: entry.resolveDir,
            sourcefile: entry.sourcefile,
            loader: 'js' as const,
          },
        }),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: TARGET,
    define: {
      'process.env.NODE_ENV': JSON.stringify(
        options.mode === 'production' ? 'production' : 'development',
      ),
    },
    minify: options.minify,
    sourcemap: options.sourcemap ? 'external' : false,
    legalComments: 'none',
    outfile: options.outfile,
    write: false,
    logLevel: 'silent',
    plugins: [
      virtualModules(options.virtualModules ?? {}),
      oneCopyOfWorkbox(resolveDirs(options.appDir)),
    ],
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const map = result.outputFiles.find((file) => file.path.endsWith('.map'));
  if (!js) {
    throw new Error(`esbuild wrote no JavaScript for ${basename(options.outfile)}.`);
  }
  return {code: js.text, map: map?.text};
}

/**
 * One line for an esbuild failure: the first error with its file and line.
 *
 * @private
 */
export function describeBundleError(error: unknown): string | undefined {
  const failure = error as Partial<esbuild.BuildFailure>;
  const first = failure.errors?.[0];
  if (!first) {
    return undefined;
  }
  const where = first.location
    ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
    : '';
  return `${where}${first.text}`;
}
