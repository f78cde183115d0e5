import {decideNativeEnd, startsWithFallback, usesNative} from '../../src/lib/chooseBackend';
import {startOnBackends} from '../../src/lib/startOnBackends';
import type {NativeOutcome} from '../../src/lib/chooseBackend';
import type {BackgroundFetchBackend} from '../../src/lib/BackgroundFetchBackend';
import type {SnapshotRegistration} from '../../src/lib/SnapshotRegistration';

const outcome = (facts: Partial<NativeOutcome>): NativeOutcome => ({
  type: 'fail',
  failureReason: 'fetch-error',
  badStatuses: [],
  methods: ['GET'],
  ...facts,
});
const short = {url: 'https://example.com/a', verdict: 'short' as const, expected: 10, got: 0};

describe('which engine runs a job', () => {
  test('a start refused with NotAllowedError goes to the fallback; other errors do not', () => {
    expect(startsWithFallback(new DOMException('no', 'NotAllowedError'))).toBe(true);
    expect(startsWithFallback(new TypeError('duplicate'))).toBe(false);
    expect(startsWithFallback(undefined)).toBe(false);
  });

  test('a native network failure is taken over by the fallback', () => {
    expect(decideNativeEnd(outcome({}), true).action).toBe('take-over');
    // Chromium reports a reset connection as bad-status with status 0.
    expect(
      decideNativeEnd(outcome({failureReason: 'bad-status', badStatuses: [0]}), true).action,
    ).toBe('take-over');
  });

  test('a success whose records are not shown whole is taken over, or fails with fetch-error without failover', () => {
    expect(
      decideNativeEnd(outcome({type: 'success', failureReason: '', problem: short}), true).action,
    ).toBe('take-over');
    expect(
      decideNativeEnd(outcome({type: 'success', failureReason: '', problem: short}), false),
    ).toEqual({
      action: 'settle',
      type: 'fail',
      failureReason: 'fetch-error',
    });
    expect(decideNativeEnd(outcome({type: 'success', failureReason: ''}), true)).toEqual({
      action: 'settle',
      type: 'success',
      failureReason: '',
    });
  });

  test('bad-status with a real status, abort, download-total-exceeded and quota stay what they are', () => {
    for (const facts of [
      {failureReason: 'bad-status' as const, badStatuses: [404]},
      {failureReason: 'bad-status' as const, badStatuses: [0, 500]},
      {failureReason: 'download-total-exceeded' as const},
      {failureReason: 'quota-exceeded' as const},
      {type: 'abort' as const, failureReason: 'aborted' as const},
    ]) {
      const verdict = decideNativeEnd(outcome(facts), true);
      expect(verdict).toEqual({
        action: 'settle',
        type: facts.type ?? 'fail',
        failureReason: facts.failureReason,
      });
    }
  });

  test("without failover, or with a request that may not be repeated, the browser's failure stands", () => {
    expect(decideNativeEnd(outcome({}), false)).toEqual({
      action: 'settle',
      type: 'fail',
      failureReason: 'fetch-error',
    });
    expect(decideNativeEnd(outcome({methods: ['GET', 'POST']}), true)).toEqual({
      action: 'settle',
      type: 'fail',
      failureReason: 'fetch-error',
    });
  });
});

describe('which backend starts a job', () => {
  /** A backend whose fetch() resolves with a marker or rejects with `error`; it records its calls. */
  const backend = (kind: 'native' | 'fallback', error?: Error) => {
    const calls: string[] = [];
    const registration = {id: kind} as unknown as SnapshotRegistration;
    const fake: BackgroundFetchBackend & {calls: string[]} = {
      kind,
      calls,
      fetch: async (id) => {
        calls.push(id);
        if (error) {
          throw error;
        }
        return registration;
      },
      get: async () => undefined,
      getIds: async () => [],
    };
    return fake;
  };
  const notAllowed = () => new DOMException('not in a worker', 'NotAllowedError');

  test('native is tried where the browser has it, unless the queue forces the fallback', () => {
    expect(usesNative({})).toBe(true);
    expect(usesNative({}, true)).toBe(false);
    expect(usesNative(undefined)).toBe(false);
    expect(usesNative(null, false)).toBe(false);
  });

  test('the first backend that takes the job runs it', async () => {
    const native = backend('native');
    const fallback = backend('fallback');
    const registration = await startOnBackends([native, fallback], 'ep-5', [], {});
    expect(registration.id).toBe('native');
    expect([native.calls, fallback.calls]).toEqual([['ep-5'], []]);
  });

  test('a native start refused with NotAllowedError goes to the fallback, after onRefused', async () => {
    const native = backend('native', notAllowed());
    const fallback = backend('fallback');
    const refusals: string[] = [];
    const registration = await startOnBackends([native, fallback], 'ep-5', [], {}, (error) =>
      refusals.push(error.name),
    );
    expect(registration.id).toBe('fallback');
    expect(refusals).toEqual(['NotAllowedError']);
  });

  test("any other native error is the caller's: the fallback is not tried", async () => {
    const fallback = backend('fallback');
    await expect(
      startOnBackends([backend('native', new TypeError('bad request')), fallback], 'x', [], {}),
    ).rejects.toThrow('bad request');
    expect(fallback.calls).toEqual([]);
  });

  test("a fallback's errors are the caller's, NotAllowedError too", async () => {
    await expect(
      startOnBackends([backend('fallback', notAllowed())], 'x', [], {}),
    ).rejects.toMatchObject({name: 'NotAllowedError'});
  });

  test("with native only, its refusal is the caller's", async () => {
    await expect(
      startOnBackends([backend('native', notAllowed())], 'x', [], {}),
    ).rejects.toMatchObject({name: 'NotAllowedError'});
  });
});
