import {parseContentRange} from '../../../src/lib/fallback/parseContentRange';

describe('Content-Range of a 206 (RFC 9110 §14.4)', () => {
  test('a single byte range with a complete length is read as [start, end) and total', () => {
    expect(parseContentRange('bytes 0-499/1234')).toEqual({start: 0, end: 500, total: 1234});
    expect(parseContentRange('bytes 1233-1233/1234')).toEqual({
      start: 1233,
      end: 1234,
      total: 1234,
    });
  });

  test('an unknown complete length (*) gives total null', () => {
    expect(parseContentRange('bytes 500-999/*')).toEqual({start: 500, end: 1000, total: null});
  });

  test('the unit is case-insensitive and surrounding spaces are tolerated', () => {
    expect(parseContentRange('  BYTES 10-19/20 ')).toEqual({start: 10, end: 20, total: 20});
  });

  test('a missing header, another unit or an unsatisfied range is not a usable range', () => {
    expect(parseContentRange(null)).toBeNull();
    expect(parseContentRange('')).toBeNull();
    expect(parseContentRange('items 0-1/2')).toBeNull();
    expect(parseContentRange('bytes */1234')).toBeNull();
  });

  test('several ranges (multipart) are refused', () => {
    expect(parseContentRange('bytes 0-1/10, 4-5/10')).toBeNull();
  });

  test('numbers that contradict each other are refused', () => {
    expect(parseContentRange('bytes 500-499/1000')).toBeNull();
    expect(parseContentRange('bytes 0-1000/1000')).toBeNull();
    expect(parseContentRange('bytes -1-5/10')).toBeNull();
    expect(parseContentRange('bytes 0-99999999999999999/*')).toBeNull();
  });
});
