#!/usr/bin/env node
/*
  The podcast example (what `npm start` runs): generates the audio on first
  start, bundles the page and the service worker, serves the site on
  127.0.0.1 with the connection controls, and prints the URL.

    node examples/podcast/serve.mjs [--port 8080] [--throttle 2MB|off] [--production]
*/
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {runExample} from '../server/lib/run.mjs';
import {buildPodcast} from './build.mjs';

const exampleDir = dirname(fileURLToPath(import.meta.url));

await runExample({
  name: 'podcast',
  title: 'episodes download in the background, then play and seek offline.',
  defaultThrottle: '2MB',
  notes: [
    'Chromium: native Background Fetch. Firefox, WebKit: the chunked fallback in the service worker.',
    'Try it: Download an episode, Cut connection, Restore connection, then play it with the connection cut.',
  ],
  prepare: ({mode, log}) => buildPodcast({exampleDir, mode, log}),
});
