import {unroutedRecordWarning} from '../../../src/lib/dev/unroutedRecordWarning';
import type {UnroutedRecord} from '../../../src/lib/dev/unroutedRecordWarning';

const URL = 'https://app.example/media/talk.mp4';
const record = (over: Partial<UnroutedRecord>): UnroutedRecord => ({
  url: URL,
  cacheName: 'workbox-background-fetch-downloads',
  routeCount: 0,
  matchedNonStrategy: false,
  defaultRouter: true,
  answeredElsewhere: [],
  ...over,
});

describe('the development warning for a finished record no route places', () => {
  test('routes are registered but none matches: names the URL, the count and the cache it went to', () => {
    expect(unroutedRecordWarning(record({routeCount: 2}))).toBe(
      `${URL} matches none of the 2 routes registered, so the finished download was stored in the cache ` +
        `'workbox-background-fetch-downloads', where those routes will not find it. Fix the route's pattern, ` +
        `or give the queue a cacheName.`,
    );
  });

  test('a route matches but its handler is a function: says to use a strategy', () => {
    expect(unroutedRecordWarning(record({routeCount: 1, matchedNonStrategy: true}))).toMatch(
      /^The route that serves .* has a handler that is not a Workbox strategy/,
    );
  });

  test('no route in the default router while another fetch listener answered: two copies of workbox-routing', () => {
    const message = unroutedRecordWarning(
      record({answeredElsewhere: ['https://app.example/media/a.mp4']}),
    );
    expect(message).toMatch(
      /^Two copies of workbox-routing: .* another fetch listener answered https:\/\/app\.example\/media\/a\.mp4/,
    );
    expect(message).toContain('`npm ls workbox-routing` lists the copies');
  });

  test('no route at all in the default router: says a registerRoute() would be a second copy', () => {
    expect(unroutedRecordWarning(record({}))).toMatch(
      /^No route is registered with the copy of workbox-routing that workbox-background-fetch uses, so .* If your worker calls registerRoute\(\), it uses a second copy/,
    );
  });

  test('a router given to the queue that is empty: says to register the routes on it', () => {
    expect(unroutedRecordWarning(record({defaultRouter: false}))).toMatch(
      /^The router given to the queue has no routes/,
    );
  });
});
