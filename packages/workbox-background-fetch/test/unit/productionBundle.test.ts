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
});

test('the development bundle keeps its option checks (they are what a developer sees)', () => {
  const code = readFileSync(
    join(root, 'packages/workbox-background-fetch/dist/iife/workbox-background-fetch.dev.js'),
    'utf8',
  );
  expect(code).toContain('got an unknown option');
});
