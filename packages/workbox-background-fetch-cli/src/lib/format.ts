import {statSync} from 'node:fs';
import {relative} from 'node:path';

/** `812 B`, `14.2 KiB`, `3.4 MiB`. @private */
export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A path as the user typed it: relative to the current folder when inside it. @private */
export function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path && !path.startsWith('..') ? path : file;
}

/** `dist/sw.js (1.9 KiB), dist/sw.js.map (4.0 KiB)`: the files, sorted, with their sizes. @private */
export function describeFiles(files: string[]): string {
  return [...files]
    .sort()
    .map((file) => {
      let size = '';
      try {
        size = ` (${formatSize(statSync(file).size)})`;
      } catch {
        // Listed but not on disk: show the name alone.
      }
      return `${displayPath(file)}${size}`;
    })
    .join(', ');
}

/** An error message on one line: its lines joined, spaces collapsed. @private */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
}
