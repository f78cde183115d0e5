import {decideNativeEnd, startsWithFallback} from '../../src/lib/chooseBackend';
import type {NativeOutcome} from '../../src/lib/chooseBackend';

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
