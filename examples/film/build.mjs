/*
  Builds the film example into build/site: the film (generated once), page
  and service worker bundles, precache manifest of the app shell.
*/
import {join} from 'node:path';
import {buildSite} from '../server/lib/site.mjs';
import {generateFilm} from './lib/generate.mjs';

/**
 * @param {{exampleDir: string, mode?: 'development' | 'production', log?: (line: string) => void}} options
 * @returns {Promise<string>} The directory to serve.
 */
export async function buildFilm({exampleDir, mode = 'development', log = () => {}}) {
  const siteDir = join(exampleDir, 'build', 'site');
  generateFilm(siteDir, log);
  await buildSite({
    exampleDir,
    siteDir,
    mode,
    // The film is what the visitor downloads: not app shell.
    precacheExclude: (path) => path.startsWith('film/'),
  });
  return siteDir;
}
