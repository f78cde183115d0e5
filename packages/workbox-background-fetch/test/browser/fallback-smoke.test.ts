import {closeAllEngines, generateBytes, launchEngine, sha256, startTestServer} from '@workbox-background-fetch/test-utils';
import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';
import {serveFallbackSite} from './fixtures/fallback/serveFallbackSite';

jest.setTimeout(120_000);
const ENGINE = (process.env.ENGINE ?? 'chromium') as 'chromium';

const BIG = generateBytes(3 * 1024 * 1024 + 123, 'big');
const SMALL = generateBytes(40 * 1024, 'small');

test('smoke', async () => {
  const server: TestServer = await startTestServer();
  server.addFile('/files/big.bin', BIG);
  server.addFile('/files/small.txt', SMALL, {contentType: 'text/plain'});
  await serveFallbackSite(server, {chunkSize: 256 * 1024, backoff: {initialDelay: 100, maxDelay: 500}});
  const browser: EngineSession = await launchEngine(ENGINE);
  try {
    await browser.goto(server.url('/index.html'));
    await browser.evaluate('() => fb.registerWorker()');
    const started = await browser.evaluate(`() => fb.start('one', ['/files/big.bin', '/files/small.txt'], {title: 'One'})`);
    console.log(started);
    const event = await browser.waitFor<any>(`() => fb.event('one')`, {timeout: 60_000, interval: 200});
    console.log(JSON.stringify(event, null, 1));
    console.log(await browser.evaluate(`() => fb.jobs.one`));
    console.log(await browser.evaluate(`() => fb.leftovers()`));
    console.log(await browser.evaluate(`() => fb.ask({test: 'records-after-end', id: 'one'})`));
    expect(await browser.evaluate(`() => fb.hash('workbox-background-fetch-dl', '/files/big.bin')`)).toBe(sha256(BIG));
    expect(await browser.evaluate(`() => fb.hash('workbox-background-fetch-dl', '/files/small.txt')`)).toBe(sha256(SMALL));
    console.log(server.requests.map((r) => `${r.path} ${r.range ?? ''} ${r.ifRange ?? ''} ${r.status} ${r.bytesSent}`).join('\n'));
  } finally {
    console.log(browser.consoleLog.slice(-60).join('\n'));
    await browser.close();
    await server.close();
  }
});
afterAll(() => closeAllEngines());
