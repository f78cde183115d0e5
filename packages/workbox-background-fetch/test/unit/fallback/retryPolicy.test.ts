import {backoffDelay, decideRetry} from '../../../src/lib/fallback/retryPolicy';
import type {RetryContext} from '../../../src/lib/fallback/retryPolicy';

const options = {maxAttempts: 5, initialDelay: 1000, maxDelay: 30_000};

function context(overrides: Partial<RetryContext>): RetryContext {
  return {method: 'GET', attempts: 1, online: true, options, random: () => 0.5, ...overrides};
}

describe('retry backoff', () => {
  test('the delay grows exponentially', () => {
    const max = () => 0.999999;
    expect(backoffDelay(1, options, max)).toBe(1000);
    expect(backoffDelay(2, options, max)).toBe(2000);
    expect(backoffDelay(3, options, max)).toBe(4000);
  });

  test('each delay is jittered between half and all of it', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(2000);
    expect(backoffDelay(3, options, () => 0.5)).toBe(3000);
  });

  test('maxDelay caps the delay', () => {
    expect(backoffDelay(20, options, () => 0.999999)).toBe(30_000);
  });
});

describe('what follows a failed request', () => {
  test('network errors of a GET are retried after a backoff', () => {
    expect(decideRetry({type: 'network'}, context({attempts: 2}))).toEqual({
      action: 'retry',
      delay: 1500,
    });
  });

  test('5xx of a GET are retried', () => {
    expect(decideRetry({type: 'status', status: 503}, context({})).action).toBe('retry');
  });

  test('a write refused by a browser whose storage count is impossible (storage) is always retried: after maxDelay, then twice as long after each refusal, up to 16 × maxDelay; offline, it waits for the network', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50].map(
      (attempts) => decideRetry({type: 'storage'}, context({attempts})) as {delay: number},
    );
    expect(delays.map(({delay}) => delay / 30_000)).toEqual([1, 2, 4, 8, 16, 16, 16]);
    expect(decideRetry({type: 'storage'}, context({attempts: 50})).action).toBe('retry');
    expect(decideRetry({type: 'storage'}, context({online: false}))).toEqual({
      action: 'wait-online',
    });
    expect(decideRetry({type: 'storage'}, context({method: 'POST'}))).toEqual({
      action: 'give-up-network',
    });
  });

  test('after maxAttempts a network error gives up with fetch-error', () => {
    expect(decideRetry({type: 'network'}, context({attempts: 5}))).toEqual({
      action: 'give-up-network',
    });
  });

  test('after maxAttempts the last 5xx is kept as the record (bad-status)', () => {
    expect(decideRetry({type: 'status', status: 503}, context({attempts: 5}))).toEqual({
      action: 'give-up-status',
    });
  });

  test('408 Request Timeout and 429 Too Many Requests (a CDN limiting its clients) are retried like a 5xx, up to maxAttempts', () => {
    for (const status of [408, 429]) {
      expect(decideRetry({type: 'status', status}, context({attempts: 2}))).toEqual({
        action: 'retry',
        delay: 1500,
      });
      expect(decideRetry({type: 'status', status}, context({attempts: 5}))).toEqual({
        action: 'give-up-status',
      });
      expect(decideRetry({type: 'status', status}, context({method: 'POST'}))).toEqual({
        action: 'give-up-status',
      });
    }
  });

  test('a Retry-After longer than the backoff is waited for, up to maxDelay; a shorter one changes nothing', () => {
    const after = (retryAfter: number | null, attempts = 1) =>
      decideRetry({type: 'status', status: 429, retryAfter}, context({attempts}));
    expect(after(null)).toEqual({action: 'retry', delay: 750});
    expect(after(10_000)).toEqual({action: 'retry', delay: 10_000});
    expect(after(120_000)).toEqual({action: 'retry', delay: 30_000});
    expect(after(100, 3)).toEqual({action: 'retry', delay: 3000});
    expect(decideRetry({type: 'status', status: 503, retryAfter: 5000}, context({}))).toEqual({
      action: 'retry',
      delay: 5000,
    });
  });

  test('a 4xx is final: bad-status, never retried', () => {
    expect(decideRetry({type: 'status', status: 404}, context({}))).toEqual({
      action: 'give-up-status',
    });
    expect(decideRetry({type: 'status', status: 403}, context({}))).toEqual({
      action: 'give-up-status',
    });
  });

  test('offline: wait for the network, do not fail', () => {
    expect(decideRetry({type: 'network'}, context({online: false, attempts: 99}))).toEqual({
      action: 'wait-online',
    });
  });

  test('non-GET requests are never sent twice', () => {
    expect(decideRetry({type: 'network'}, context({method: 'POST'}))).toEqual({
      action: 'give-up-network',
    });
    expect(decideRetry({type: 'network'}, context({method: 'POST', online: false}))).toEqual({
      action: 'give-up-network',
    });
    expect(decideRetry({type: 'status', status: 503}, context({method: 'PUT'}))).toEqual({
      action: 'give-up-status',
    });
  });
});
