import {judgeRecordSizes} from '../../../src/lib/native/judgeRecordSizes';
import type {RecordSizeFacts} from '../../../src/lib/native/judgeRecordSizes';

const record = (facts: Partial<RecordSizeFacts>): RecordSizeFacts => ({
  url: 'https://example.com/a.bin',
  method: 'GET',
  status: 200,
  contentLength: null,
  encoded: false,
  size: 0,
  ...facts,
});

describe('a native success is trusted only for records shown whole', () => {
  test('an identity body with a Content-Length is whole only at that length', () => {
    expect(judgeRecordSizes([record({contentLength: 100, size: 100})], 100)).toEqual([
      {url: 'https://example.com/a.bin', verdict: 'whole'},
    ]);
    expect(judgeRecordSizes([record({contentLength: 100, size: 0})], 0)).toEqual([
      {url: 'https://example.com/a.bin', verdict: 'short', expected: 100, got: 0},
    ]);
    expect(judgeRecordSizes([record({contentLength: 100, size: 40})], 40)[0].verdict).toBe('short');
  });

  test('an empty body without a length (chunked, cut mid-body in Chromium) cannot be shown whole', () => {
    expect(judgeRecordSizes([record({size: 0})], 0)).toEqual([
      {url: 'https://example.com/a.bin', verdict: 'unverified', got: 0},
    ]);
    // gzip: Content-Length counts encoded bytes; an empty decoded body is short.
    expect(judgeRecordSizes([record({encoded: true, size: 0})], 0)[0].verdict).toBe('unverified');
    expect(
      judgeRecordSizes([record({encoded: true, contentLength: 500, size: 0})], 0)[0].verdict,
    ).toBe('short');
  });

  test('an encoded body cannot be shown whole: Chromium keeps what it decoded before a cut', () => {
    expect(
      judgeRecordSizes([record({encoded: true, contentLength: 500, size: 2000})], 2000)[0].verdict,
    ).toBe('unverified');
    expect(judgeRecordSizes([record({encoded: true, size: 2000})], 2000)[0].verdict).toBe(
      'unverified',
    );
    expect(
      judgeRecordSizes([record({encoded: true, contentLength: 0, size: 0})], 0)[0].verdict,
    ).toBe('whole');
  });

  test('bytes the browser counted that no record holds make records without a length unverified', () => {
    const records = [
      record({url: 'https://example.com/with-length', contentLength: 10, size: 10}),
      record({url: 'https://example.com/chunked', size: 50}),
    ];
    expect(judgeRecordSizes(records, 60).map(({verdict}) => verdict)).toEqual(['whole', 'whole']);
    expect(judgeRecordSizes(records, 90).map(({verdict}) => verdict)).toEqual([
      'whole',
      'unverified',
    ]);
  });

  test('HEAD requests and responses that are not ok are not judged', () => {
    expect(judgeRecordSizes([record({method: 'HEAD'}), record({status: 404, size: 0})], 0)).toEqual(
      [],
    );
  });
});
