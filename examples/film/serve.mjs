#!/usr/bin/env node
/*
  The film example: one background fetch of 361 requests (a DASH-like
  manifest and 360 segments), played offline from the cache.

    node examples/film/serve.mjs [--port 8080] [--throttle 512KB|off] [--production]
*/
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {runExample} from '../server/lib/run.mjs';
import {buildFilm} from './build.mjs';

const exampleDir = dirname(fileURLToPath(import.meta.url));

await runExample({
  name: 'film',
  title: 'one download made of 361 requests (a DASH-like manifest and its segments).',
  defaultThrottle: '512KB',
  notes: ['Download the film, then watch it with the connection cut.'],
  prepare: ({mode, log}) => buildFilm({exampleDir, mode, log}),
});
