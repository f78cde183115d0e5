/*
  The podcast example as a visitor uses it, in Chromium (native Background
  Fetch, through a profile: the Download Service a real Chrome uses) and in
  Firefox ESR (the chunked fallback): click Download, cut the connection
  mid-download, restore it, and the episode arrives byte for byte; then,
  with the connection cut, the page reloads from the precache and the
  episode plays and seeks from the cache.
*/
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {closeAllEngines, launchEngine, sha256} from '@workbox-background-fetch/test-utils';
import type {EngineSession} from '@workbox-background-fetch/test-utils';
import {startExample} from '../../../server/testing';
import type {RunningExample} from '../../../server/testing';

jest.setTimeout(120_000);

/** Resolves when `condition()` holds (checked every 100 ms); rejects naming it after 60 s. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`still not true after 60 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const EPISODE = 'ep-5';

interface CardView {
  state: string;
  backend: string;
  progress: number;
  status: string;
}

describe.each([
  ['chromium-persistent', 'native'],
  ['firefox', 'fallback'],
] as const)('podcast example in %s (%s)', (engine, backend) => {
  let example: RunningExample;
  let browser: EngineSession;

  const card = () =>
    browser.evaluate<CardView>(
      `(id) => {
        const card = document.getElementById(id);
        return {
          state: card.dataset.state,
          backend: card.dataset.backend || '',
          progress: card.querySelector('progress').value,
          status: card.querySelector('.status').textContent,
        };
      }`,
      EPISODE,
    );
  const waitForCard = (predicate: string, timeout = 60_000) =>
    browser.waitFor<CardView>(
      `(id) => {
        const card = document.getElementById(id);
        const view = {
          state: card.dataset.state,
          backend: card.dataset.backend || '',
          progress: card.querySelector('progress').value,
          status: card.querySelector('.status').textContent,
        };
        return (${predicate})(view) && view;
      }`,
      {args: [EPISODE], timeout, interval: 100},
    );
  const openApp = async () => {
    await browser.goto(example.url);
    await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
      timeout: 60_000,
    });
  };

  beforeAll(async () => {
    example = await startExample('podcast', ['--throttle', '2MB']);
    browser = await launchEngine(engine, {grantNotificationsFor: example.origin});
    await openApp();
  });

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  test(`Download survives a cut connection and stores the episode byte for byte (${backend})`, async () => {
    await browser.evaluate(
      `(id) => document.querySelector('#' + id + ' .download').click()`,
      EPISODE,
    );
    const started = await waitForCard('(v) => v.progress > 0.15');
    expect(started.state).toBe('downloading');
    expect(started.backend).toBe(backend);

    const refused = await example.refusedConnections();
    await example.set({offline: true});
    // The browser saw the outage: it tried again and was refused.
    await until(
      async () => (await example.refusedConnections()) > refused,
      'a connection refused while offline',
    );
    const during = await card();
    expect(during.state).toBe('downloading'); // Waiting, not failed.
    expect(during.progress).toBeLessThan(1);
    await example.set({offline: false});

    const done = await waitForCard('(v) => v.state === "done" || v.state === "failed"', 90_000);
    expect(done.state).toBe('done');

    const source = readFileSync(join(example.siteDir, 'media', `${EPISODE}.wav`));
    const cached = await browser.evaluate<string>(
      `async (url) => {
      const response = await caches.match(url, {cacheName: 'podcast-episodes'});
      const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }`,
      `/media/${EPISODE}.wav`,
    );
    expect(cached).toBe(sha256(source));

    if (backend === 'fallback') {
      // onSuccess's updateUI() replaced the job's notification (permission granted).
      const titles = await browser.waitFor<string[]>(
        `async () => {
          const titles = (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title);
          return titles.some((t) => /ready to play offline/.test(t)) && titles;
        }`,
        {timeout: 10_000},
      );
      expect(titles).toContain('Offline First is ready to play offline');
    }

    // Resumed, not restarted: a request was cut, a later one asked for a
    // Range, and far less than twice the file went over the wire.
    const requests = await example.requests(`/media/${EPISODE}.wav`);
    expect(requests.some((r) => !r.completed)).toBe(true);
    expect(requests.some((r) => r.range && /^bytes=[1-9]\d*-/.test(r.range))).toBe(true);
    const sent = requests.reduce((sum, r) => sum + r.bytesSent, 0);
    expect(sent).toBeLessThan(source.length * 1.5);
  });

  test('the Downloaded list shows the episode with its artwork and size, and the storage use', async () => {
    const {episodes} = JSON.parse(readFileSync(join(example.siteDir, 'episodes.json'), 'utf8'));
    const episode = episodes.find((e: {id: string}) => e.id === EPISODE);
    const item = await browser.waitFor<{
      title: string;
      art: string;
      size: string;
      missing: boolean;
    }>(
      `(id) => {
        const li = document.querySelector('#downloads [data-episode="' + id + '"]');
        return li && {
          title: li.querySelector('.title').textContent,
          art: new URL(li.querySelector('.art').src).pathname,
          size: li.querySelector('.size').textContent,
          missing: !li.querySelector('.missing').hidden,
        };
      }`,
      {args: [EPISODE], timeout: 10_000},
    );
    expect(item).toEqual({
      title: episode.title,
      art: episode.art,
      size: `${(episode.size / 1e6).toFixed(1)} MB`,
      missing: false,
    });
    expect(await browser.evaluate(`() => document.getElementById('storage').textContent`)).toMatch(
      /^Storage: \d+\.\d MB used of \d+\.\d MB · /,
    );
    // The first download asked for persistent storage, once.
    expect(await browser.evaluate(`() => localStorage.getItem('podcast-asked-persist')`)).toMatch(
      /^(true|false)$/,
    );
  });

  // Measured: in a Chromium profile (not in incognito-like contexts) a native
  // job stalls for ~30 s after the page that started it reloads, and the new
  // page gets no progress until the end; it then completes.
  test('a reload mid-download picks the job up again and follows it to the end', async () => {
    const id = 'ep-1';
    const view = (predicate: string, timeout = 60_000) =>
      browser.waitFor<{state: string; progress: number; backend: string}>(
        `(id) => {
          const card = document.getElementById(id);
          const v = {state: card.dataset.state, progress: card.querySelector('progress').value, backend: card.dataset.backend || ''};
          return (${predicate})(v) && v;
        }`,
        {args: [id], timeout, interval: 100},
      );
    await browser.evaluate(`(id) => document.querySelector('#' + id + ' .download').click()`, id);
    await view('(v) => v.state === "downloading" && v.progress > 0.1');
    await openApp();
    const again = await view('(v) => v.state === "downloading" || v.state === "done"');
    expect(again.backend).toBe(backend);
    expect((await view('(v) => v.state === "done" || v.state === "failed"', 90_000)).state).toBe(
      'done',
    );
  });

  test('with the connection cut, the page loads from the cache and the episode plays and seeks', async () => {
    await example.set({offline: true});
    try {
      await openApp();
      expect((await card()).state).toBe('done');
      const playback = await browser.evaluate<{started: number; seekedTo: number; after: number}>(
        `async (id) => {
        const audio = document.querySelector('#' + id + ' audio');
        const until = (event, check) => new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('timed out waiting for ' + event)), 20000);
          const listener = () => { if (check()) { clearTimeout(timer); audio.removeEventListener(event, listener); resolve(); } };
          audio.addEventListener(event, listener);
          listener();
        });
        audio.muted = true;
        await audio.play();
        await until('timeupdate', () => audio.currentTime > 0.3);
        const started = audio.currentTime;
        audio.currentTime = 150;
        await until('seeked', () => !audio.seeking);
        const seekedTo = audio.currentTime;
        await until('timeupdate', () => audio.currentTime > seekedTo + 0.3);
        const after = audio.currentTime;
        audio.pause();
        return {started, seekedTo, after};
      }`,
        EPISODE,
      );
      expect(playback.started).toBeGreaterThan(0.3);
      expect(playback.seekedTo).toBeGreaterThanOrEqual(149);
      expect(playback.after).toBeGreaterThan(playback.seekedTo);
    } finally {
      await example.set({offline: false});
    }
  });

  if (backend === 'fallback') {
    test('Pause keeps the stored bytes and sends nothing; Resume finishes the download (extension)', async () => {
      const id = 'ep-6';
      const size = readFileSync(join(example.siteDir, 'media', `${id}.wav`)).length;
      await browser.evaluate(`(id) => document.querySelector('#' + id + ' .download').click()`, id);
      await browser.waitFor(
        `(id) => document.getElementById(id).querySelector('progress').value > 0.1`,
        {args: [id], timeout: 60_000, interval: 100},
      );
      await browser.evaluate(`(id) => document.querySelector('#' + id + ' .pause').click()`, id);
      await browser.waitFor(`(id) => document.getElementById(id).dataset.state === 'paused'`, {
        args: [id],
        timeout: 15_000,
      });
      // Paused: the requests in flight are cut (none open), so nothing more
      // is sent on them; the count of requests stays until Resume.
      await until(
        async () => (await example.requests(`/media/${id}.wav`)).every((r) => !r.open),
        'no request open',
      );
      const atPause = await example.requests(`/media/${id}.wav`);
      const progressAtPause = await browser.evaluate<number>(
        `(id) => document.getElementById(id).querySelector('progress').value`,
        id,
      );
      expect(await browser.evaluate(`(id) => document.getElementById(id).dataset.state`, id)).toBe(
        'paused',
      );
      expect(await example.requests(`/media/${id}.wav`)).toHaveLength(atPause.length);
      expect(progressAtPause).toBeLessThan(1);

      // Playback while downloading: with the connection cut, the part
      // already stored plays (the worker answers the player's Range
      // requests from it). Then the player lets go of the file.
      await example.set({offline: true});
      try {
        await browser.evaluate(
          `(id) => {
          const audio = document.querySelector('#' + id + ' audio');
          audio.muted = true;
          document.querySelector('#' + id + ' .play-partial').click();
        }`,
          id,
        );
        await browser.waitFor(
          `(id) => document.querySelector('#' + id + ' audio').currentTime > 0.3`,
          {args: [id], timeout: 20_000},
        );
        await browser.evaluate(
          `(id) => {
          const audio = document.querySelector('#' + id + ' audio');
          audio.pause();
          audio.removeAttribute('src');
          audio.load();
        }`,
          id,
        );
      } finally {
        await example.set({offline: false});
      }

      await browser.evaluate(`(id) => document.querySelector('#' + id + ' .resume').click()`, id);
      const end = await browser.waitFor<string>(
        `(id) => ['done', 'failed'].includes(document.getElementById(id).dataset.state) && document.getElementById(id).dataset.state`,
        {args: [id], timeout: 90_000, interval: 250},
      );
      expect(end).toBe('done');
      const total = (await example.requests(`/media/${id}.wav`)).reduce(
        (n, r) => n + r.bytesSent,
        0,
      );
      expect(total).toBeLessThan(size * 1.5);
    });
  }

  test('Delete in the Downloaded list removes the episode from the cache and the list', async () => {
    await browser.evaluate(
      `(id) => document.querySelector('#downloads [data-episode="' + id + '"] .delete').click()`,
      EPISODE,
    );
    await browser.waitFor(
      `(id) => !document.querySelector('#downloads [data-episode="' + id + '"]')`,
      {args: [EPISODE], timeout: 10_000},
    );
    expect((await card()).state).toBe('idle');
    expect(
      await browser.evaluate(
        `async (url) => (await caches.match(url, {ignoreVary: true})) === undefined`,
        `/media/${EPISODE}.wav`,
      ),
    ).toBe(true);
  });
});

afterAll(() => closeAllEngines());
