import {resumeHeaders} from '../../../src/lib/fallback/resumeHeaders';

const strong = {etag: '"v1"', lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT'};

describe('Range and If-Range of a resume', () => {
  test('never a Range on the first request of a file', () => {
    expect(resumeHeaders(null, {start: 0, end: null}, true)).toEqual({});
    // Even a bounded plan: nothing is known of the file yet.
    expect(resumeHeaders(null, {start: 0, end: 100}, true)).toEqual({});
  });

  test('a request of the whole file carries no Range either', () => {
    expect(resumeHeaders(strong, {start: 0, end: null}, true)).toEqual({});
  });

  test('a resume asks from the stored offset to the end (bytes=N-)', () => {
    expect(resumeHeaders(strong, {start: 1000, end: null}, true)).toEqual({
      Range: 'bytes=1000-',
      'If-Range': '"v1"',
    });
  });

  test('a chunk asks for an inclusive last byte (bytes=a-b)', () => {
    expect(resumeHeaders(strong, {start: 0, end: 100}, true).Range).toBe('bytes=0-99');
    expect(resumeHeaders(strong, {start: 100, end: 200}, true).Range).toBe('bytes=100-199');
  });

  test('If-Range uses a strong ETag, never a weak one', () => {
    expect(
      resumeHeaders({etag: 'W/"v1"', lastModified: null}, {start: 5, end: null}, true),
    ).toEqual({
      Range: 'bytes=5-',
    });
  });

  test('without a strong ETag, If-Range uses Last-Modified', () => {
    expect(
      resumeHeaders(
        {etag: 'W/"v1"', lastModified: strong.lastModified},
        {start: 5, end: null},
        true,
      )['If-Range'],
    ).toBe(strong.lastModified);
    expect(
      resumeHeaders({etag: null, lastModified: strong.lastModified}, {start: 5, end: null}, true)[
        'If-Range'
      ],
    ).toBe(strong.lastModified);
  });

  test('without validators there is no If-Range', () => {
    expect(resumeHeaders({etag: null, lastModified: null}, {start: 5, end: 9}, true)).toEqual({
      Range: 'bytes=5-8',
    });
  });

  test('cross-origin requests get no If-Range (not CORS-safelisted: it would need a preflight)', () => {
    expect(resumeHeaders(strong, {start: 5, end: null}, false)).toEqual({Range: 'bytes=5-'});
  });
});
