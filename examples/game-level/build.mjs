/*
  Builds the game-level example into build/site: levels (generated once),
  page and service worker bundles, precache manifest of the app shell.
*/
import {join} from 'node:path';
import {buildSite} from '../server/lib/site.mjs';
import {generateLevels} from './lib/generate.mjs';

/**
 * @param {{exampleDir: string, mode?: 'development' | 'production', log?: (line: string) => void}} options
 * @returns {Promise<string>} The directory to serve.
 */
export async function buildGame({exampleDir, mode = 'development', log = () => {}}) {
  const siteDir = join(exampleDir, 'build', 'site');
  generateLevels(siteDir, log);
  await buildSite({
    exampleDir,
    siteDir,
    mode,
    // Levels are what the player downloads: not app shell.
    precacheExclude: (path) => path.startsWith('levels/'),
  });
  return siteDir;
}
