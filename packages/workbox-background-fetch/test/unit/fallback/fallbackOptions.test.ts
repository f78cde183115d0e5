import {FALLBACK_DEFAULTS, resolveFallbackOptions} from '../../../src/lib/fallback/fallbackOptions';

describe('fallback options', () => {
  test('defaults: 64 MiB chunks, 2 in flight, 5 attempts, 1 s → 30 s backoff, 30 s stall timeout, notifications on, storage by engine', () => {
    expect(resolveFallbackOptions()).toEqual({
      chunkSize: 64 * 1024 * 1024,
      maxInFlight: 2,
      retry: {maxAttempts: 5, initialDelay: 1000, maxDelay: 30_000},
      stallTimeout: 30_000,
      notifications: true,
      chunkStorage: 'auto',
      orphanGrace: 7 * 24 * 60 * 60 * 1000,
    });
    expect(FALLBACK_DEFAULTS.maxInFlight).toBe(2);
  });

  test('given values win', () => {
    expect(
      resolveFallbackOptions({
        chunkSize: 262144,
        maxInFlight: 3,
        maxAttempts: 2,
        backoff: {initialDelay: 10, maxDelay: 20},
        stallTimeout: 5000,
        notifications: false,
        chunkStorage: 'indexeddb',
        orphanGrace: 0,
      }),
    ).toEqual({
      chunkSize: 262144,
      maxInFlight: 3,
      retry: {maxAttempts: 2, initialDelay: 10, maxDelay: 20},
      stallTimeout: 5000,
      notifications: false,
      chunkStorage: 'indexeddb',
      orphanGrace: 0,
    });
  });

  test('in development, unknown options and bad values get an error naming them', () => {
    expect(() => resolveFallbackOptions({chunksize: 1} as never)).toThrow(
      /unknown option "chunksize"/,
    );
    expect(() => resolveFallbackOptions({chunkSize: 0})).toThrow(
      /"chunkSize" must be "a positive integer", got 0/,
    );
    expect(() => resolveFallbackOptions({maxInFlight: 1.5})).toThrow(/"maxInFlight"/);
    expect(() => resolveFallbackOptions({orphanGrace: -1})).toThrow(
      /"orphanGrace" must be "a non-negative integer \(milliseconds\)", got -1/,
    );
    expect(() => resolveFallbackOptions({backoff: {initalDelay: 5} as never})).toThrow(
      /unknown option "initalDelay"/,
    );
    expect(() => resolveFallbackOptions({chunkStorage: 'disk' as never})).toThrow(/"chunkStorage"/);
    expect(() => resolveFallbackOptions({notifications: 'yes' as never})).toThrow(
      /"notifications" must be a boolean/,
    );
  });
});
