/*
  The game-level example in Chromium (native) and Firefox ESR (fallback):
  a level of 53 files (many small, one 12 MB) arrives whole; a level with
  one asset missing on the server (404) ends in onFail with 'bad-status',
  which keeps the 52 files that arrived, reports the missing one, and the
  level still plays offline with a placeholder tile.
*/
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {closeAllEngines, launchEngine, sha256} from '@workbox-background-fetch/test-utils';
import type {EngineSession} from '@workbox-background-fetch/test-utils';
import {startExample} from '../../../server/testing';
import type {RunningExample} from '../../../server/testing';

jest.setTimeout(120_000);

interface LevelView {
  state: string;
  backend: string;
  status: string;
  missing: string[];
}

describe.each([
  ['chromium', 'native'],
  ['firefox', 'fallback'],
] as const)('game-level example in %s (%s)', (engine, backend) => {
  let example: RunningExample;
  let browser: EngineSession;

  const startLevel = (id: string) =>
    browser.evaluate(`(id) => document.querySelector('#level-' + id + ' .download').click()`, id);
  const waitForLevelEnd = (id: string) =>
    browser.waitFor<LevelView>(
      `(id) => {
        const card = document.getElementById('level-' + id);
        if (!['done', 'partial', 'failed'].includes(card.dataset.state)) return false;
        return {
          state: card.dataset.state,
          backend: card.dataset.backend || '',
          status: card.querySelector('.status').textContent,
          missing: [...card.querySelectorAll('.missing li')].map((li) => li.textContent),
        };
      }`,
      {args: [id], timeout: 100_000, interval: 250},
    );
  const cachedCount = (prefix: string) =>
    browser.evaluate<number>(
      `async (prefix) => (await (await caches.open('game-levels')).keys()).filter((r) => new URL(r.url).pathname.startsWith(prefix)).length`,
      prefix,
    );
  const cachedHash = (path: string) =>
    browser.evaluate<string>(
      `async (path) => {
      const response = await caches.match(path, {cacheName: 'game-levels'});
      const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }`,
      path,
    );

  beforeAll(async () => {
    example = await startExample('game-level', ['--throttle', '16MB']);
    browser = await launchEngine(engine);
    await browser.goto(example.url);
    await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
      timeout: 60_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  test(`a level of 53 files, one of them 12 MB, arrives whole (${backend})`, async () => {
    await startLevel('meadow');
    const view = await waitForLevelEnd('meadow');
    expect(view).toMatchObject({state: 'done', backend});
    expect(await cachedCount('/levels/meadow/')).toBe(53);
    const music = readFileSync(join(example.siteDir, 'levels/meadow/music.wav'));
    expect(await cachedHash('/levels/meadow/music.wav')).toBe(sha256(music));
  });

  test('a 404 among the assets ends in onFail, which keeps the 52 files that arrived', async () => {
    await startLevel('caves');
    const view = await waitForLevelEnd('caves');
    expect(view.state).toBe('partial');
    expect(view.status).toMatch(/bad-status.*kept 52 of 53/);
    expect(view.missing).toEqual(['tiles/tile-37.png — HTTP 404']);
    expect(await cachedCount('/levels/caves/')).toBe(52);
    const music = readFileSync(join(example.siteDir, 'levels/caves/music.wav'));
    expect(await cachedHash('/levels/caves/music.wav')).toBe(sha256(music));
  });

  test('with the connection cut, the partial level plays with a placeholder for the missing tile', async () => {
    await example.set({offline: true});
    try {
      await browser.goto(example.url);
      await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
        timeout: 60_000,
      });
      const result = await browser.evaluate<{drawn: number; placeholders: number}>(
        `() => window.game.play('caves')`,
      );
      expect(result.drawn).toBeGreaterThan(100);
      expect(result.placeholders).toBeGreaterThan(0);
      expect(result.drawn + result.placeholders).toBe(240);
    } finally {
      await example.set({offline: false});
    }
  });
});

afterAll(() => closeAllEngines());
