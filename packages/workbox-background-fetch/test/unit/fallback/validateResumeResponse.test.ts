import {validateResumeResponse} from '../../../src/lib/fallback/validateResumeResponse';
import type {ResumeResponseHead} from '../../../src/lib/fallback/validateResumeResponse';

const v1 = {etag: '"v1"', lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT'};
const expected = {start: 100, total: 1000, validators: v1};

function head(overrides: Partial<ResumeResponseHead>): ResumeResponseHead {
  return {
    status: 206,
    contentRange: 'bytes 100-199/1000',
    contentLength: 100,
    validators: v1,
    ...overrides,
  };
}

describe('checking a response to a resume before storing it', () => {
  test('a 206 with one range at the stored offset, the same total and validators is appended', () => {
    expect(validateResumeResponse(head({}), expected)).toEqual({
      action: 'append',
      range: {start: 100, end: 200, total: 1000},
    });
  });

  test('a 206 that starts elsewhere restarts the file', () => {
    expect(
      validateResumeResponse(head({contentRange: 'bytes 0-199/1000', contentLength: 200}), expected)
        .action,
    ).toBe('restart');
  });

  test('a 206 with another complete length restarts the file', () => {
    expect(
      validateResumeResponse(head({contentRange: 'bytes 100-199/2000'}), expected).action,
    ).toBe('restart');
  });

  test('a 206 with another ETag or Last-Modified restarts the file', () => {
    expect(validateResumeResponse(head({validators: {...v1, etag: '"v2"'}}), expected).action).toBe(
      'restart',
    );
    expect(
      validateResumeResponse(
        head({validators: {...v1, lastModified: 'Wed, 02 Sep 2026 10:00:00 GMT'}}),
        expected,
      ).action,
    ).toBe('restart');
  });

  test('a 206 without a single Content-Range (missing, multipart) restarts the file', () => {
    expect(validateResumeResponse(head({contentRange: null}), expected).action).toBe('restart');
    expect(
      validateResumeResponse(head({contentRange: 'bytes 100-101/1000, 200-201/1000'}), expected)
        .action,
    ).toBe('restart');
  });

  test('a 206 whose Content-Length contradicts its Content-Range restarts the file', () => {
    expect(validateResumeResponse(head({contentLength: 99}), expected).action).toBe('restart');
  });

  test('a validator the response does not expose is no evidence of a change', () => {
    expect(
      validateResumeResponse(head({validators: {etag: null, lastModified: null}}), expected).action,
    ).toBe('append');
  });

  test('an unknown stored total takes the total of the 206', () => {
    expect(validateResumeResponse(head({}), {...expected, total: null})).toEqual({
      action: 'append',
      range: {start: 100, end: 200, total: 1000},
    });
  });

  test('a 200 to a resume replaces the stored bytes: the same file when the validators match', () => {
    expect(
      validateResumeResponse(
        head({status: 200, contentRange: null, contentLength: 1000}),
        expected,
      ),
    ).toEqual({action: 'replace', changed: false});
  });

  test('a 200 with other validators or another length is a new version of the file', () => {
    expect(
      validateResumeResponse(
        head({
          status: 200,
          contentRange: null,
          contentLength: 1000,
          validators: {...v1, etag: '"v2"'},
        }),
        expected,
      ),
    ).toEqual({action: 'replace', changed: true});
    expect(
      validateResumeResponse(
        head({status: 200, contentRange: null, contentLength: 1200}),
        expected,
      ),
    ).toEqual({action: 'replace', changed: true});
  });

  test('a 416 (range not satisfiable) restarts the file', () => {
    expect(
      validateResumeResponse(head({status: 416, contentRange: 'bytes */500'}), expected).action,
    ).toBe('restart');
  });
});
