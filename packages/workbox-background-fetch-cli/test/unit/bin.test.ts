/*
  The installed command (bin/workbox-background-fetch.js, over the built
  dist/) when its output goes to a reader that has already stopped, as in
  `workbox-background-fetch copyLibraries public | head -1`: the command still
  does its work and exits 0, instead of crashing on an unhandled EPIPE.
*/
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const BIN = join(__dirname, '../../bin/workbox-background-fetch.js');

jest.setTimeout(60_000);

test('copyLibraries piped into a reader that closed: every file copied, exit code 0, nothing on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbf-cli-epipe-'));
  const child = spawn(process.execPath, [BIN, 'copyLibraries', 'public'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The reader is gone before the command writes its first line.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({code, stderr}).toEqual({code: 0, stderr: ''});
  const [folder, ...others] = readdirSync(join(dir, 'public'));
  expect(others).toEqual([]);
  const files = readdirSync(join(dir, 'public', folder));
  expect(files).toEqual(
    expect.arrayContaining([
      'workbox-background-fetch.prod.js',
      'workbox-background-fetch-window.prod.js',
    ]),
  );
});
