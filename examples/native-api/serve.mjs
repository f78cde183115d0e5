#!/usr/bin/env node
/*
  Serves the native-api example on http://127.0.0.1:PORT (default 8090):
  public/, the two polyfill builds under /vendor/, and a generated 8 MiB
  "episode" at /media/episode-5.mp3 (with Range support, so downloads
  resume). Build the packages first (npm run build at the repository root).

  node examples/native-api/serve.mjs [--port N]
*/
import {createReadStream, existsSync, statSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {dirname, extname, join, normalize} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const vendor = {
  '/vendor/workbox-background-fetch/': dirname(
    require.resolve('workbox-background-fetch/iife/polyfill.js'),
  ),
  '/vendor/workbox-background-fetch-window/': dirname(
    require.resolve('workbox-background-fetch-window/iife/polyfill.js'),
  ),
};
const TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.svg': 'image/svg+xml'};

/** 8 MiB of deterministic bytes standing in for an audio file. */
const episode = Buffer.alloc(8 * 1024 * 1024);
for (let i = 0; i < episode.length; i += 4) {
  episode.writeUInt32LE((Math.imul(i, 2654435761) >>> 0) ^ 0x5bd1e995, i);
}

function sendBuffer(req, res, body, type) {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range?.[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
  res.setHeader('Content-Type', type);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', '"episode-5-v1"');
  if (range) {
    if (start >= body.length) {
      res.writeHead(416, {'Content-Range': `bytes */${body.length}`}).end();
      return;
    }
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end}/${body.length}`,
      'Content-Length': end - start + 1,
    });
  } else {
    res.writeHead(200, {'Content-Length': body.length});
  }
  res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
}

function fileFor(pathname) {
  for (const [prefix, dir] of Object.entries(vendor)) {
    if (pathname.startsWith(prefix)) {
      return join(dir, normalize(pathname.slice(prefix.length)));
    }
  }
  return join(here, 'public', normalize(pathname === '/' ? '/index.html' : pathname));
}

const {values} = parseArgs({options: {port: {type: 'string', default: '8090'}}});
const server = createServer((req, res) => {
  const {pathname} = new URL(req.url, 'http://localhost');
  if (pathname === '/media/episode-5.mp3') {
    sendBuffer(req, res, episode, 'audio/mpeg');
    return;
  }
  const file = fileFor(pathname);
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, {'Content-Type': 'text/plain'}).end('Not found');
    return;
  }
  res.writeHead(200, {'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream'});
  createReadStream(file).pipe(res);
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`native-api example: http://127.0.0.1:${server.address().port}/`);
});
