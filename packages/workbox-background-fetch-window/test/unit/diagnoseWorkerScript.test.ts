/*
  How backgroundFetchManager() tells why a worker failed to install: it
  fetches the script and the files it loads with importScripts(). Run in
  Node against the real test server (Node's fetch is the browser's API).
*/
import {startTestServer} from '@workbox-background-fetch/test-utils';
import type {TestServer} from '@workbox-background-fetch/test-utils';
import {diagnoseWorkerScript, importedScripts} from '../../src/lib/diagnoseWorkerScript';
import {messages} from '../../src/lib/models/messages';

describe('importedScripts()', () => {
  test('finds every string argument of every importScripts() call, minified or not', () => {
    expect(
      importedScripts(
        `importScripts("a/runtime.js");self.x=1;importScripts( 'b.js' , "https://cdn.example/c.js" );` +
          'importScripts(`d.js`)',
      ),
    ).toEqual(['a/runtime.js', 'b.js', 'https://cdn.example/c.js', 'd.js']);
  });

  test('a script without importScripts() loads nothing', () => {
    expect(importedScripts('self.addEventListener("fetch", () => {});')).toEqual([]);
  });
});

describe('diagnoseWorkerScript()', () => {
  let server: TestServer;
  const js = {contentType: 'text/javascript'};

  beforeAll(async () => {
    server = await startTestServer();
    server.addFile('/ok-sw.js', Buffer.from('importScripts("lib/present.js");'), js);
    server.addFile('/lib/present.js', Buffer.from('self.x = 1;'), js);
    server.addFile(
      '/two-liner-sw.js',
      Buffer.from('importScripts("lib/present.js","wbf-v1/workbox-background-fetch.prod.js");'),
      js,
    );
    server.addFile('/other-sw.js', Buffer.from("importScripts('vendor/missing.js');"), js);
    server.addFile('/html-sw.js', Buffer.from('<!doctype html>'), {contentType: 'text/html'});
  });
  afterAll(() => server.close());

  test('a script that answers 404', async () => {
    expect(await diagnoseWorkerScript(server.url('/gone-sw.js'))).toBe(
      `GET ${server.url('/gone-sw.js')} answered 404`,
    );
  });

  test('a script served as HTML (a single-page app fallback, most often)', async () => {
    expect(await diagnoseWorkerScript(server.url('/html-sw.js'))).toBe(
      `${server.url('/html-sw.js')} is served as "text/html", not as JavaScript`,
    );
  });

  test("the runtime's importScripts() file is missing: names it, and how to copy it", async () => {
    const missing = server.url('/wbf-v1/workbox-background-fetch.prod.js');
    expect(await diagnoseWorkerScript(server.url('/two-liner-sw.js'))).toBe(
      `it loads ${missing} with importScripts(), and GET ${missing} answered 404: copy the runtime there ` +
        '(backgroundFetchPlugin({…, swDest}) of workbox-background-fetch-build copies it when the worker is ' +
        'written; or run "npx workbox-background-fetch copyLibraries <folder of the worker>")',
    );
  });

  test('another importScripts() file is missing', async () => {
    const missing = server.url('/vendor/missing.js');
    expect(await diagnoseWorkerScript(server.url('/other-sw.js'))).toBe(
      `it loads ${missing} with importScripts(), and GET ${missing} answered 404: make that file available, ` +
        'or remove it from importScripts',
    );
  });

  test('every file is there: nothing to tell (the script threw, or its install event failed)', async () => {
    expect(await diagnoseWorkerScript(server.url('/ok-sw.js'))).toBe('');
  });

  test('an unreachable server', async () => {
    const url = 'http://127.0.0.1:1/sw.js';
    expect(await diagnoseWorkerScript(url)).toMatch(
      /^GET http:\/\/127\.0\.0\.1:1\/sw\.js failed \(.+\)$/,
    );
  });
});

describe('the messages of backgroundFetchManager()', () => {
  test('no-registration lists scopes that miss the page, and says how to fix it', () => {
    expect(
      messages['no-registration']({
        timeout: 10000,
        page: 'https://app.example/',
        scopes: ['https://app.example/js/'],
      }),
    ).toBe(
      "No service worker is registered for this page (https://app.example/) after 10 s. This origin's " +
        'registrations have the scopes https://app.example/js/, which do not include this page: serve the ' +
        "worker from a folder above the page (e.g. /sw.js). Or pass {serviceWorker: '/sw.js'} to " +
        'backgroundFetchManager(): it registers the worker and names what failed.',
    );
  });

  test('worker-not-activated says what to do for an installing and for a waiting worker', () => {
    expect(
      messages['worker-not-activated']({
        url: 'https://app.example/sw.js',
        state: 'installing',
        timeout: 2500,
      }),
    ).toBe(
      'The service worker https://app.example/sw.js is still installing after 2.5 s. If its install event ' +
        'precaches a lot, pass a larger {timeout} to backgroundFetchManager(); if it is waiting, an older worker ' +
        'still controls open tabs: call self.skipWaiting() in the worker, or close them.',
    );
  });
});
