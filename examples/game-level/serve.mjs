#!/usr/bin/env node
/*
  The game-level example: a level is one background fetch of 53 files
  (many small assets and one large soundtrack); level 2 has a missing
  asset (404), and the worker's onFail keeps what arrived.

    node examples/game-level/serve.mjs [--port 8080] [--throttle 4MB|off] [--production]
*/
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {runExample} from '../server/lib/run.mjs';
import {buildGame} from './build.mjs';

const exampleDir = dirname(fileURLToPath(import.meta.url));

await runExample({
  name: 'game-level',
  title: 'levels of many small assets and one large one; a 404 handled in onFail.',
  defaultThrottle: '4MB',
  notes: [
    'Download both levels: level 2 misses one tile on the server, and keeps the other 52 files.',
  ],
  prepare: ({mode, log}) => buildGame({exampleDir, mode, log}),
});
