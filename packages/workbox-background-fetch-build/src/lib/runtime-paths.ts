import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';

/** This package's root (src/lib or dist/lib are two levels down). @private */
export const packageRoot = resolve(__dirname, '..', '..');

/** The root of the installed `workbox-background-fetch` runtime package. @private */
export function runtimePackageRoot(): string {
  return dirname(require.resolve('workbox-background-fetch/package.json', {paths: [packageRoot]}));
}

/** The root of the installed `workbox-background-fetch-window` package, if any. @private */
export function windowPackageRoot(): string | undefined {
  try {
    return dirname(
      require.resolve('workbox-background-fetch-window/package.json', {
        // This package's dependency, else the app's own install.
        paths: [packageRoot, runtimePackageRoot(), process.cwd()],
      }),
    );
  } catch {
    return undefined;
  }
}

/** The runtime's version, for library folder names. @private */
export function runtimeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(runtimePackageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Where bundling looks for the modules of the runtime's family
 * (`workbox-background-fetch`, `workbox-*`), first match wins: the app's
 * folder when given (so the app's code and the runtime share one copy of
 * workbox-routing, hence one default router), then this package's folder,
 * whose dependencies include them all.
 *
 * Tests replace this function to bundle against a stub runtime.
 *
 * @param appDir The folder of the app's worker source, if any.
 * @private
 */
export function resolveDirs(appDir?: string): string[] {
  return appDir ? [appDir, packageRoot] : [packageRoot];
}

/** The prebuilt IIFE bundles of the runtime and window packages, by file name. @private */
export function libraryFiles(): Array<{from: string; name: string}> {
  const files: Array<{from: string; name: string}> = [];
  const roots = [
    {root: runtimePackageRoot(), base: 'workbox-background-fetch'},
    {root: windowPackageRoot(), base: 'workbox-background-fetch-window'},
  ];
  for (const {root, base} of roots) {
    if (!root) {
      continue;
    }
    for (const flavour of ['dev', 'prod']) {
      for (const suffix of ['.js', '.js.map']) {
        const name = `${base}.${flavour}${suffix}`;
        const from = join(root, 'dist', 'iife', name);
        if (existsSync(from)) {
          files.push({from, name});
        }
      }
    }
  }
  return files;
}
