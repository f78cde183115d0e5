/*
  The film example: one background fetch of 361 requests (a DASH-like
  manifest and 360 segments) in Chromium (native) and Firefox ESR
  (fallback). Every file lands in the recipe's cache byte for byte, and the
  film plays and seeks from the cache with the connection cut.
*/
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {closeAllEngines, launchEngine, sha256} from '@workbox-background-fetch/test-utils';
import type {EngineSession} from '@workbox-background-fetch/test-utils';
import {startExample} from '../../../server/testing';
import type {RunningExample} from '../../../server/testing';

jest.setTimeout(120_000);

describe.each([
  ['chromium', 'native'],
  ['firefox', 'fallback'],
] as const)('film example in %s (%s)', (engine, backend) => {
  let example: RunningExample;
  let browser: EngineSession;

  const openApp = async () => {
    await browser.goto(example.url);
    await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
      timeout: 60_000,
    });
  };

  beforeAll(async () => {
    example = await startExample('film', ['--throttle', '4MB']);
    browser = await launchEngine(engine);
    await openApp();
  });

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  test(`one job of 361 requests stores every segment byte for byte (${backend})`, async () => {
    await browser.evaluate(`() => document.getElementById('download').click()`);
    await browser.waitFor(`() => document.getElementById('film').dataset.backend`, {
      timeout: 30_000,
    });
    expect(await browser.evaluate(`() => document.getElementById('film').dataset.backend`)).toBe(
      backend,
    );
    const state = await browser.waitFor<string>(
      `() => ['done', 'failed'].includes(document.getElementById('film').dataset.state) && document.getElementById('film').dataset.state`,
      {timeout: 100_000, interval: 250},
    );
    expect(state).toBe('done');

    const {films} = JSON.parse(readFileSync(join(example.siteDir, 'films.json'), 'utf8'));
    const paths: string[] = [
      films[0].manifest,
      ...Array.from(
        {length: films[0].segments},
        (_, i) => `/film/orbit/frames/frame-${String(i + 1).padStart(4, '0')}.png`,
      ),
    ];
    expect(paths).toHaveLength(361);
    const expected = sha256(
      Buffer.concat(paths.map((p) => readFileSync(join(example.siteDir, p)))),
    );
    const cached = await browser.evaluate<{count: number; hash: string}>(
      `async (paths) => {
      const cache = await caches.open('films');
      const parts = [];
      for (const path of paths) {
        const response = await cache.match(path);
        if (response) parts.push(new Uint8Array(await response.arrayBuffer()));
      }
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) { all.set(p, offset); offset += p.length; }
      const digest = await crypto.subtle.digest('SHA-256', all);
      return {count: parts.length, hash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')};
    }`,
      paths,
    );
    expect(cached.count).toBe(361);
    expect(cached.hash).toBe(expected);
  });

  test('with the connection cut, the film plays and seeks from the cache', async () => {
    await example.set({offline: true});
    try {
      await openApp();
      expect(await browser.evaluate(`() => document.getElementById('film').dataset.state`)).toBe(
        'done',
      );
      const result = await browser.evaluate<{played: number; seeked: number}>(`async () => {
        const player = window.filmPlayer;
        const before = player.drawn;
        void player.play();
        const deadline = Date.now() + 20000;
        while (player.drawn < before + 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        player.pause();
        const played = player.drawn - before;
        await player.show(299);
        return {played, seeked: player.frame};
      }`);
      expect(result.played).toBeGreaterThanOrEqual(12);
      expect(result.seeked).toBe(299);
    } finally {
      await example.set({offline: false});
    }
  });
});

afterAll(() => closeAllEngines());
