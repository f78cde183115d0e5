import {
  acceptsRanges,
  contentLength,
  fullLength,
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
