#!/usr/bin/env node
/*
  Serves any directory the way the examples are served (Range, ETag, the
  connection controls):

    node examples/server/serve.mjs <dir> [--port 8080] [--throttle 2MB] ...
*/
import {existsSync, statSync} from 'node:fs';
import {resolve} from 'node:path';
import {runExample} from './lib/run.mjs';

await runExample({
  name: 'static',
  title: 'a directory served with Range, ETag and the connection controls',
  async prepare({args}) {
    const dir = resolve(args.positional[0] ?? '.');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      console.error(`serve.mjs: not a directory: ${dir}`);
      process.exit(2);
    }
    return dir;
  },
});
