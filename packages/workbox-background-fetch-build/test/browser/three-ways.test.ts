/*
  The three ways in (issue 4), each end to end in a real browser: a worker
  built from the same small app with the real workbox-build, served by the
  test server; the page downloads /media/talk.wav through
  workbox-background-fetch-window. For each way: the record lands in the
  route's cache byte for byte, updateUI() runs with the configured title,
  and with the server offline an <audio> plays and seeks the file from that
  cache (Range requests answered 206 by the worker). Chromium runs every
  way natively; Firefox ESR runs the CLI-generated worker on the fallback.
*/
import {
  closeAllEngines,
  launchEngine,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {EngineName, EngineSession, TestServer} from '@workbox-background-fetch/test-utils';
import {assertBuilt, buildSite, wav, windowIifeDir} from './support/build-site';
import type {Way} from './support/build-site';

jest.setTimeout(120_000);

const TALK = wav(90); // ~1.9 MB, 90 s
const TALK_URL = '/media/talk.wav';

interface ProbeEntry {
  kind: 'updateUI' | 'notification';
  title: string;
  outcome: string;
}

const cases: Array<[Way, EngineName, 'native' | 'fallback']> = [
  ['generateSW()', 'chromium', 'native'],
  ['backgroundFetchPlugin() in workbox-build', 'chromium', 'native'],
  ['CLI generateSW', 'chromium', 'native'],
  ['CLI injectManifest + backgroundFetchRecipe()', 'chromium', 'native'],
  ['CLI generateSW', 'firefox', 'fallback'],
];

describe.each(cases)('%s, in %s (%s)', (way, engine, backend) => {
  let server: TestServer;
  let browser: EngineSession;
  let output: string;

  beforeAll(async () => {
    assertBuilt();
    const site = await buildSite(way);
    output = site.output;
    server = await startTestServer();
    server.addFile(TALK_URL, TALK, {contentType: 'audio/wav'});
    server.serveDir('/lib/', windowIifeDir);
    server.serveDir('/', site.publicDir);
    browser = await launchEngine(engine, {grantNotificationsFor: server.origin});
    await browser.goto(server.url('/index.html'));
    await browser.evaluate('() => testPage.register()');
    // Reload so the worker controls the page (and its <audio>).
    await browser.goto(server.url('/index.html'));
    await browser.waitFor('() => testPage.controlled()', {timeout: 10_000});
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a download started from the page lands in the route's cache, byte for byte", async () => {
    if (way.startsWith('CLI')) {
      expect(output).toMatch(/^Wrote public\/sw\.js \(/);
    }
    const job = await browser.evaluate<{result: string; failureReason: string; backend: string}>(
      `() => testPage.download('talk', ${JSON.stringify(TALK_URL)})`,
    );
    expect(job).toMatchObject({result: 'success', failureReason: '', backend});
    expect(
      await browser.evaluate(`() => testPage.cachedHash('media', ${JSON.stringify(TALK_URL)})`),
    ).toBe(sha256(TALK));
  });

  if (way === 'generateSW()' || way === 'CLI generateSW') {
    test("the record was written through the route's plugins", async () => {
      expect(
        await browser.evaluate(
          `() => testPage.cachedHeader('media', ${JSON.stringify(TALK_URL)}, 'X-Route-Plugin')`,
        ),
      ).toBe('media');
    });
  }

  test('updateUI() ran with the title the config gives', async () => {
    const entries = await browser.waitFor<ProbeEntry[]>(
      `async () => { const entries = await testPage.probe(); return entries.length > 0 && entries; }`,
      {timeout: 20_000, interval: 250},
    );
    expect(entries).toContainEqual({
      kind: backend === 'native' ? 'updateUI' : 'notification',
      title: 'talk is ready',
      outcome: 'resolved',
    });
  });

  test('offline, <audio> plays and seeks the finished file from the cache; Range gets 206 from the worker', async () => {
    server.setOffline(true);
    try {
      const range = await browser.evaluate<{status: number; contentRange: string; hash: string}>(
        `() => testPage.rangeFetch(${JSON.stringify(TALK_URL)}, 100000, 199999)`,
      );
      expect(range).toEqual({
        status: 206,
        contentRange: `bytes 100000-199999/${TALK.length}`,
        hash: sha256(TALK.subarray(100000, 200000)),
      });
      const played = await browser.evaluate<{seekedTo: number; after: number; duration: number}>(
        `() => testPage.playAndSeek(${JSON.stringify(TALK_URL)}, 60)`,
      );
      expect(played.duration).toBeCloseTo(90, 0);
      expect(played.seekedTo).toBeGreaterThanOrEqual(59);
      expect(played.after).toBeGreaterThan(played.seekedTo);
    } finally {
      server.setOffline(false);
    }
  });
});

afterAll(() => closeAllEngines());
