import {
  acceptsRanges,
  contentLength,
  fullLength,
  retryAfterOf,
  validatorsOf,
} from '../../../src/lib/fallback/responseHead';

describe('what a first response tells about its file', () => {
  test('the complete length is Content-Length', () => {
    expect(fullLength(new Response('abc', {headers: {'Content-Length': '3'}}), 'GET')).toBe(3);
  });

  test('the length is unknown without Content-Length, or when the body is content-encoded', () => {
    expect(fullLength(new Response('abc'), 'GET')).toBeNull();
    expect(
      fullLength(
        new Response('abc', {headers: {'Content-Length': '3', 'Content-Encoding': 'gzip'}}),
        'GET',
      ),
    ).toBeNull();
    expect(
      fullLength(
        new Response('abc', {headers: {'Content-Length': '3', 'Content-Encoding': 'identity'}}),
        'GET',
      ),
    ).toBe(3);
  });

  test('a HEAD response has no body', () => {
    expect(fullLength(new Response(null, {headers: {'Content-Length': '300'}}), 'HEAD')).toBe(0);
  });

  test('a malformed Content-Length is no length', () => {
    expect(contentLength(new Headers({'Content-Length': '12abc'}))).toBeNull();
  });

  test('Accept-Ranges: bytes means Range requests work; none or absent means they may not', () => {
    expect(acceptsRanges(new Headers({'Accept-Ranges': 'bytes'}))).toBe(true);
    expect(acceptsRanges(new Headers({'Accept-Ranges': 'none'}))).toBe(false);
    expect(acceptsRanges(new Headers())).toBe(false);
  });

  test('validators are ETag and Last-Modified', () => {
    expect(
      validatorsOf(new Headers({ETag: '"x"', 'Last-Modified': 'Tue, 01 Sep 2026 10:00:00 GMT'})),
    ).toEqual({
      etag: '"x"',
      lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT',
    });
  });
});

describe('Retry-After of an error response', () => {
  const head = (value?: string) => ({
    status: 429,
    statusText: 'Too Many Requests',
    headers: value === undefined ? [] : ([['retry-after', value]] as Array<[string, string]>),
  });
  const now = Date.parse('Sun, 29 Nov 2026 06:00:00 GMT');

  test('delay-seconds, or an HTTP date, as ms from now', () => {
    expect(retryAfterOf(head('120'), now)).toBe(120_000);
    expect(retryAfterOf(head(' 7 '), now)).toBe(7000);
    expect(retryAfterOf(head('Sun, 29 Nov 2026 06:01:30 GMT'), now)).toBe(90_000);
  });

  test('absent, unreadable, zero or in the past: none', () => {
    expect(retryAfterOf(head(), now)).toBeNull();
    expect(retryAfterOf(head('soon'), now)).toBeNull();
    expect(retryAfterOf(head('-5'), now)).toBeNull();
    expect(retryAfterOf(head('0'), now)).toBeNull();
    expect(retryAfterOf(head('Sun, 29 Nov 2026 05:59:00 GMT'), now)).toBeNull();
  });
});
