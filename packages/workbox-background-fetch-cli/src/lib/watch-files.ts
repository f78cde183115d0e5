import {existsSync, statSync, watch} from 'node:fs';
import type {FSWatcher} from 'node:fs';
import {join, resolve} from 'node:path';

/**
 * Calls `onChange(file)` with the absolute path of each file changed under
 * `paths` (folders are watched recursively, files alone). Paths that do not
 * exist are skipped.
 *
 * @return A function that stops watching.
 * @private
 */
export function watchFiles(paths: string[], onChange: (file: string) => void): () => void {
  const watchers: FSWatcher[] = [];
  for (const path of new Set(paths.map((p) => resolve(p)))) {
    if (!existsSync(path)) {
      continue;
    }
    const folder = statSync(path).isDirectory();
    const watcher = watch(path, {recursive: folder}, (_event, name) => {
      onChange(folder && name ? join(path, name.toString()) : path);
    });
    watcher.on('error', () => watcher.close());
    watchers.push(watcher);
  }
  return () => {
    for (const watcher of watchers) {
      watcher.close();
    }
  };
}
