/*
  The production IIFEs carry no development code: no logging, no option
  asserts. (`npm test` builds before it runs the unit tests.)
*/
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const bundles = [
  'packages/workbox-background-fetch/dist/iife/workbox-background-fetch.prod.js',
  'packages/workbox-background-fetch-window/dist/iife/workbox-background-fetch-window.prod.js',
];
/** A text of each package's error messages (`messages.ts`), present in development only. */
const MESSAGE_TEXTS = [
  // workbox-background-fetch: duplicate-id
  'Wait for it to finish, abort it, or pick another id',
  // workbox-background-fetch-window: no-queue-answer
  'it runs no BackgroundFetchQueue',
];

describe.each(bundles)('%s', (file) => {
  const path = join(root, file);

  test('exists (run `npm run build` first)', () => {
    expect(existsSync(path)).toBe(true);
  });

  test('has no console calls and no development-only messages', () => {
    const code = readFileSync(path, 'utf8');
    expect(code).not.toMatch(/console\.[a-z]+\(/);
    expect(code).not.toContain('got an unknown option');
    expect(code).not.toContain('process.env');
  });

  test('carries error codes, not message texts (as Workbox: the texts are for development)', () => {
    const code = readFileSync(path, 'utf8');
    for (const text of MESSAGE_TEXTS) {
      expect(code).not.toContain(text);
    }
  });
});

test.each([
  ['packages/workbox-background-fetch/dist/iife/workbox-background-fetch.dev.js', MESSAGE_TEXTS[0]],
  [
    'packages/workbox-background-fetch-window/dist/iife/workbox-background-fetch-window.dev.js',
    MESSAGE_TEXTS[1],
  ],
])('the development bundle %s keeps the error texts', (file, text) => {
  expect(readFileSync(join(root, file), 'utf8')).toContain(text);
});

test('the development bundle keeps its option checks (they are what a developer sees)', () => {
  const code = readFileSync(
    join(root, 'packages/workbox-background-fetch/dist/iife/workbox-background-fetch.dev.js'),
    'utf8',
  );
  expect(code).toContain('got an unknown option');
});
