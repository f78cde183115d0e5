import {execFileSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as esbuild from 'esbuild';
import {loadConfig} from '../../src/lib/load-config';

/*
  CommonJS configs load in this process; ES module configs are loaded in a
  child Node process (a test runner's module system cannot import() them),
  from the loader bundled as it ships.
*/

const home = process.cwd();
afterEach(() => process.chdir(home));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbf-load-config-'));
  for (const [name, contents] of Object.entries(files)) {
    writeFileSync(join(dir, name), contents);
  }
  return dir;
}

let loader: string;
beforeAll(async () => {
  loader = join(mkdtempSync(join(tmpdir(), 'wbf-loader-')), 'load-config.js');
  await esbuild.build({
    entryPoints: [join(__dirname, '../../src/lib/load-config.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: loader,
    logLevel: 'silent',
  });
});

function loadInChild(cwd: string, file?: string, fresh = false): unknown {
  const script =
    `require(${JSON.stringify(loader)}).loadConfig(${JSON.stringify(file)}, ${fresh})` +
    `.then((r) => console.log(JSON.stringify(r.config)), (e) => console.log(JSON.stringify({error: e.message})))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], {cwd, encoding: 'utf8'}));
}

describe('loadConfig()', () => {
  test('loads a CommonJS workbox-config.js, afresh each time', async () => {
    const dir = folder({
      'workbox-config.js': 'module.exports = {globDirectory: "dist", pattern: /x/};',
    });
    process.chdir(dir);
    const {config, path} = await loadConfig(undefined);
    expect(path).toBe(join(dir, 'workbox-config.js'));
    expect(config.globDirectory).toBe('dist');
    expect(String(config.pattern)).toBe('/x/');
    writeFileSync(join(dir, 'workbox-config.js'), 'module.exports = {globDirectory: "public"};');
    expect((await loadConfig(undefined, true)).config.globDirectory).toBe('public');
  });

  test('gives the config require() and __dirname', async () => {
    const dir = folder({
      'parts.js': 'module.exports = {swDest: "dist/sw.js"};',
      'workbox-config.js': 'module.exports = {...require("./parts.js"), here: __dirname};',
    });
    process.chdir(dir);
    expect((await loadConfig(undefined)).config).toEqual({swDest: 'dist/sw.js', here: dir});
  });

  test('loads ES module configs: .mjs, and .js in a "type": "module" package', () => {
    const mjs = folder({'sw.config.mjs': 'export default {globDirectory: "dist"};'});
    expect(loadInChild(mjs, 'sw.config.mjs')).toEqual({globDirectory: 'dist'});
    const typeModule = folder({
      'package.json': '{"type": "module"}',
      'workbox-config.js': 'export default {globDirectory: "www"};',
    });
    expect(loadInChild(typeModule)).toEqual({globDirectory: 'www'});
    expect(loadInChild(typeModule, undefined, true)).toEqual({globDirectory: 'www'});
  });

  test('an ES module without a default export is explained', () => {
    const dir = folder({'c.mjs': 'export const globDirectory = "dist";'});
    expect(loadInChild(dir, 'c.mjs')).toEqual({
      error:
        'c.mjs must export a config object (module.exports = {…} or export default {…}), not undefined.',
    });
  });
});
