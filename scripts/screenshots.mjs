#!/usr/bin/env node
/*
  Takes the README's screenshots of the podcast example with headless
  Chromium (Debian's /usr/bin/chromium through playwright-core), into
  docs/screenshots/:

    podcast-list.png         the episode list, nothing downloaded
    podcast-downloading.png  an episode mid-download (native Background Fetch)
    podcast-done.png         the episode saved for offline, with its player

  Usage:
    node scripts/screenshots.mjs                       # starts the example itself on free ports
    node scripts/screenshots.mjs --url http://127.0.0.1:8080/   # uses a running `npm start`

  Against a running example, the throttle is set to 1 MB/s while the
  download is photographed, then put back.
*/
import {mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
// BROWSER-FACTS §2.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const EPISODE = 'ep-1';
const VIEWPORT = {width: 1200, height: 820};

function argValue(name) {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const inline = process.argv.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function control(controlOrigin, path) {
  const res = await fetch(new URL(path, controlOrigin), {method: 'POST'});
  if (!res.ok) throw new Error(`control ${path}: ${res.status}`);
  return res.json();
}

async function main() {
  let url = argValue('--url');
  let ownServer;
  if (!url) {
    const {startExampleServer} = await import('../examples/server/index.mjs');
    const {buildPodcast} = await import('../examples/podcast/build.mjs');
    const siteDir = await buildPodcast({
      exampleDir: join(root, 'examples', 'podcast'),
      mode: 'production',
      log: (line) => console.log(line),
    });
    ownServer = await startExampleServer({
      name: 'podcast',
      siteDir,
      port: 0,
      controlPort: 0,
      throttle: '2MB',
    });
    url = `${ownServer.origin}/`;
  }
  const config = await (await fetch(new URL('/__example/config.json', url))).json();
  const before = config.throttle;

  mkdirSync(outDir, {recursive: true});
  const browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS});
  try {
    const context = await browser.newContext({viewport: VIEWPORT, deviceScaleFactor: 1});
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, {
      timeout: 60_000,
    });
    // Let the control bar fetch its state.
    await page.waitForTimeout(1500);
    await page.screenshot({path: join(outDir, 'podcast-list.png')});
    console.log('docs/screenshots/podcast-list.png');

    await control(config.control, '/set?throttle=1MB');
    await page.evaluate((id) => document.querySelector(`#${id} .download`).click(), EPISODE);
    await page.waitForFunction(
      (id) => {
        const card = document.getElementById(id);
        const value = card.querySelector('progress').value;
        return (
          card.dataset.state === 'downloading' &&
          value > 0.4 &&
          value < 0.7 &&
          /MB\/s/.test(card.querySelector('.status').textContent)
        );
      },
      EPISODE,
      {timeout: 120_000, polling: 100},
    );
    await page.screenshot({path: join(outDir, 'podcast-downloading.png')});
    console.log('docs/screenshots/podcast-downloading.png');

    await control(config.control, `/set?throttle=${before ?? 'off'}`);
    await page.waitForFunction(
      (id) => document.getElementById(id).dataset.state === 'done',
      EPISODE,
      {
        timeout: 120_000,
      },
    );
    // Let the player read the duration from the cached file.
    await page.waitForFunction(
      (id) => document.querySelector(`#${id} audio`).readyState >= 1,
      EPISODE,
      {timeout: 30_000},
    );
    await page.waitForTimeout(500);
    await page.screenshot({path: join(outDir, 'podcast-done.png')});
    console.log('docs/screenshots/podcast-done.png');
  } finally {
    await control(config.control, `/set?throttle=${before ?? 'off'}`).catch(() => undefined);
    await browser.close();
    await ownServer?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
