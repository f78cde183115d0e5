/*
  `npm pack` of every publishable package, as a user (or the registry)
  would get it. Needs a build (`npm run build`) first.
*/
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {repoRoot} from './docs';

/** The published packages, with where their code runs. */
export const PUBLISHED = [
  {name: 'workbox-background-fetch', runs: 'worker'},
  {name: 'workbox-background-fetch-window', runs: 'page'},
  {name: 'workbox-background-fetch-build', runs: 'node'},
  {name: 'workbox-background-fetch-cli', runs: 'node'},
] as const;

/** A package name of {@link PUBLISHED}. */
export type PublishedName = (typeof PUBLISHED)[number]['name'];

/** One packed package. */
export interface Packed {
  name: PublishedName;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** The paths in the tarball, relative to its `package/` folder. */
  files: string[];
}

/**
 * Packs every published package into `dest` (one `npm pack` for all).
 * Throws when a package has not been built.
 */
export function packAll(dest: string): Record<PublishedName, Packed> {
  for (const {name} of PUBLISHED) {
    if (!existsSync(join(repoRoot, 'packages', name, 'dist', 'index.d.ts'))) {
      throw new Error(`packages/${name}/dist is missing: run "npm run build" first.`);
    }
  }
  mkdirSync(dest, {recursive: true});
  const out = execFileSync(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      dest,
      ...PUBLISHED.flatMap(({name}) => ['-w', `packages/${name}`]),
    ],
    {cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']},
  );
  const packed = JSON.parse(out) as Array<{
    name: PublishedName;
    filename: string;
    files: {path: string}[];
  }>;
  const result = {} as Record<PublishedName, Packed>;
  for (const p of packed) {
    result[p.name] = {
      name: p.name,
      tarball: join(dest, p.filename),
      files: p.files.map((f) => f.path),
    };
  }
  return result;
}
