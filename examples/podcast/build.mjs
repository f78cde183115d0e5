/*
  Builds the podcast example into build/site: media (generated once), page
  and service worker bundles, precache manifest of the app shell.
*/
import {join} from 'node:path';
import {buildSite} from '../server/lib/site.mjs';
import {generatePodcastMedia} from './lib/generate.mjs';

/**
 * @param {{exampleDir: string, mode?: 'development' | 'production', log?: (line: string) => void}} options
 * @returns {Promise<string>} The directory to serve.
 */
export async function buildPodcast({exampleDir, mode = 'development', log = () => {}}) {
  const siteDir = join(exampleDir, 'build', 'site');
  generatePodcastMedia(siteDir, log);
  await buildSite({
    exampleDir,
    siteDir,
    mode,
    // The audio is what the visitor downloads: not app shell.
    precacheExclude: (path) => path.startsWith('media/'),
  });
  return siteDir;
}
