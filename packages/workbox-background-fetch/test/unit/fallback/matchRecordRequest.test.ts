import {matchRecordRequest} from '../../../src/lib/fallback/matchRecordRequest';

const record = {url: 'https://example.com/media/a.mp3?v=1'};

describe('which records match()/matchAll() return (Cache API matching)', () => {
  test('the same URL matches, the fragment aside', () => {
    expect(
      matchRecordRequest(new Request('https://example.com/media/a.mp3?v=1#t=10'), record),
    ).toBe(true);
    expect(matchRecordRequest(new Request('https://example.com/media/b.mp3?v=1'), record)).toBe(
      false,
    );
  });

  test('the query counts unless ignoreSearch', () => {
    expect(matchRecordRequest(new Request('https://example.com/media/a.mp3'), record)).toBe(false);
    expect(
      matchRecordRequest(new Request('https://example.com/media/a.mp3'), record, {
        ignoreSearch: true,
      }),
    ).toBe(true);
  });

  test('a query with another method than GET matches nothing unless ignoreMethod', () => {
    const post = new Request('https://example.com/media/a.mp3?v=1', {method: 'POST'});
    expect(matchRecordRequest(post, record)).toBe(false);
    expect(matchRecordRequest(post, record, {ignoreMethod: true})).toBe(true);
  });
});

describe('matchRecordRequest: a record of another method', () => {
  it('matches a GET query only with ignoreMethod', () => {
    const put = {url: 'https://example.com/media/a.mp3', method: 'PUT'};
    expect(matchRecordRequest(new Request('https://example.com/media/a.mp3'), put)).toBe(false);
    expect(
      matchRecordRequest(new Request('https://example.com/media/a.mp3'), put, {ignoreMethod: true}),
    ).toBe(true);
  });
});
