#!/usr/bin/env node
'use strict';

// Output piped into a reader that stops early (`… | head -1`): the command
// still finishes its work; only the lines nobody reads are dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') {
      throw error;
    }
  });
}

require('../dist/index.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
