/*
  The polyfill's own rules (workbox-background-fetch/polyfill), in the three
  engines, for jobs started with self.registration.backgroundFetch.fetch()
  in the worker. The test page does not load the page polyfill, so Chromium
  (native fetch() refused in workers, no page to start it) runs the
  polyfill's fallback as Firefox and WebKit do.
*/
import {join} from 'node:path';
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {EngineName, EngineSession, TestServer} from '@workbox-background-fetch/test-utils';

jest.setTimeout(90_000);

const root = join(__dirname, '../../../..');

interface Step {
  step: string;
  [key: string]: unknown;
}

describe.each(['chromium', 'firefox', 'webkit'] as EngineName[])(
  'worker polyfill in %s',
  (engine) => {
    let server: TestServer;
    let browser: EngineSession;
    const ask = <T>(message: Record<string, unknown>) =>
      browser.evaluate<T>(`(message) => window.ask(message)`, message as never);
    const logUntil = (id: string, step: string) =>
      browser.waitFor<Step[]>(
        `async (id, step) => {
        const log = await window.ask({command: 'log', id});
        return log.some((entry) => entry.step === step) && log;
      }`,
        {args: [id, step], timeout: 60_000, interval: 200},
      );

    beforeAll(async () => {
      server = await startTestServer();
      server.serveDir('/iife/', join(root, 'packages/workbox-background-fetch/dist/iife'));
      server.serveDir('/', join(__dirname, 'support/polyfill'));
      server.addFile('/files/a.bin', generateBytes(300 * 1024 + 5, 'polyfill-a'));
      server.addFile('/files/b.bin', generateBytes(1000, 'polyfill-b'));
      server.addFile('/files/stuck.bin', generateBytes(1024 * 1024, 'polyfill-stuck'));
      server.fault('/files/stuck.bin', {hang: true});
      browser = await launchEngine(engine);
      await browser.goto(server.url('/index.html'));
      await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
        timeout: 60_000,
      });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    test('success: a last progress with the result, then backgroundfetchsuccess (listener and onbackgroundfetchsuccess), records readable in it', async () => {
      const started = await ask<{id: string; result: string}>({
        command: 'fetch',
        id: 'ok',
        urls: ['/files/a.bin', '/files/b.bin'],
      });
      expect(started).toMatchObject({id: 'ok', result: ''});
      const log = await logUntil('ok', 'after');
      const event = log.findIndex((entry) => entry.step === 'event');
      const progress = log.filter((entry) => entry.step === 'progress');
      const lastProgress = log.map((entry) => entry.step).lastIndexOf('progress');
      expect(lastProgress).toBeLessThan(event);
      expect(progress[progress.length - 1]).toMatchObject({
        result: 'success',
        downloaded: 300 * 1024 + 5 + 1000,
      });
      expect(log[event]).toMatchObject({
        type: 'backgroundfetchsuccess',
        result: 'success',
        failureReason: '',
        recordsAvailable: true,
      });
      expect(log.some((entry) => entry.step === 'attribute')).toBe(true);
      expect(log.find((entry) => entry.step === 'handled')).toMatchObject({
        listed: false,
        records: [
          {status: 200, size: 300 * 1024 + 5},
          {status: 200, size: 1000},
        ],
      });
    });

    test('updateUI() resolves once per event, then rejects InvalidStateError, and after the event too', async () => {
      const log = await logUntil('ok', 'after');
      expect(log.find((entry) => entry.step === 'handled')?.ui).toEqual([
        'ok',
        'InvalidStateError',
      ]);
      expect(log.find((entry) => entry.step === 'after')).toMatchObject({
        updateUI: 'InvalidStateError',
        waitUntil: 'InvalidStateError',
      });
    });

    test('after the event’s waitUntil settles, recordsAvailable is false and matchAll() rejects InvalidStateError', async () => {
      const log = await logUntil('ok', 'after');
      expect(log.find((entry) => entry.step === 'after')).toMatchObject({
        recordsAvailable: false,
        matchAll: 'InvalidStateError',
      });
    });

    test('a 404 ends in backgroundfetchfail with bad-status; abort() ends in backgroundfetchabort without updateUI', async () => {
      await ask({command: 'fetch', id: 'missing', urls: ['/files/b.bin', '/files/none.bin']});
      const failed = await logUntil('missing', 'handled');
      expect(failed.find((entry) => entry.step === 'event')).toMatchObject({
        type: 'backgroundfetchfail',
        result: 'failure',
        failureReason: 'bad-status',
      });
      expect(failed.find((entry) => entry.step === 'handled')).toMatchObject({
        records: [
          {status: 200, size: 1000},
          {status: 404, size: 0},
        ],
        ui: ['ok', 'InvalidStateError'],
      });

      await ask({command: 'fetch', id: 'stopped', urls: ['/files/stuck.bin']});
      await server.waitForRequest((request) => request.path === '/files/stuck.bin');
      expect(await ask({command: 'abort', id: 'stopped'})).toEqual([true, false]);
      const aborted = await logUntil('stopped', 'handled');
      expect(aborted.find((entry) => entry.step === 'event')).toMatchObject({
        type: 'backgroundfetchabort',
        result: 'failure',
        failureReason: 'aborted',
      });
      expect(aborted.find((entry) => entry.step === 'handled')).toMatchObject({
        records: [{error: 'AbortError'}],
        ui: 'none',
      });
    });

    test('fetch() rejects bad input and a duplicate id with TypeError', async () => {
      const reject = (args: Record<string, unknown>) => ask<string>({command: 'reject', ...args});
      expect(await reject({id: 'empty', urls: []})).toBe('TypeError');
      expect(
        await reject({id: 'cors', request: {url: '/files/b.bin', init: {mode: 'no-cors'}}}),
      ).toBe('TypeError');
      expect(await reject({id: 'cred', urls: ['http://user:pass@127.0.0.1/x']})).toBe('TypeError');
      expect(await reject({id: 'port', urls: ['http://127.0.0.1:587/x']})).toBe('TypeError');
      expect(await reject({id: '', urls: ['/files/b.bin']})).toBe('TypeError');
      await ask({command: 'fetch', id: 'twice', urls: ['/files/stuck.bin']});
      expect(await reject({id: 'twice', urls: ['/files/b.bin']})).toBe('TypeError');
      await ask({command: 'abort', id: 'twice'});
    });

    test('fetch() rejects a downloadTotal over the quota with QuotaExceededError, Number.MAX_SAFE_INTEGER also where the worker cannot estimate storage (WebKitGTK has no navigator.storage)', async () => {
      const quota = await ask<number | null>({command: 'quota'});
      expect(quota === null).toBe(engine === 'webkit');
      const outcome = await ask<string>({
        command: 'reject',
        id: 'huge',
        urls: ['/files/b.bin'],
        options: {downloadTotal: Number.MAX_SAFE_INTEGER},
      });
      expect(outcome).toBe('QuotaExceededError (QuotaExceededError instance)');
    });

    test('events and registrations are instances of the global interfaces', async () => {
      const log = await logUntil('ok', 'after');
      // Chromium keeps its own interfaces; the polyfill's objects answer
      // instanceof with them.
      expect(log.find((entry) => entry.step === 'event')).toMatchObject({
        isBackgroundFetchEvent: true,
        isUpdateUIEvent: true,
        isRegistration: true,
      });
    });
  },
);

afterAll(() => closeAllEngines());
