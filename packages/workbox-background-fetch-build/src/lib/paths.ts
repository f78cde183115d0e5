import {relative, resolve, sep} from 'node:path';

/**
 * `file` as a glob pattern relative to `globDirectory`, as workbox-build's
 * `globIgnores` wants it (forward slashes).
 *
 * @private
 */
export function globRelative(globDirectory: string, file: string): string {
  return relative(resolve(globDirectory), resolve(file)).split(sep).join('/');
}

/** workbox-build's default `globIgnores`, which a given list replaces. @private */
export const DEFAULT_GLOB_IGNORES = ['**/node_modules/**/*'];
