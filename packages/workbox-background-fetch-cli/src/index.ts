/*
  workbox-background-fetch-cli: the workbox-background-fetch command.
*/
export {run, main} from './run.js';
export type {CliIO} from './lib/io.js';
