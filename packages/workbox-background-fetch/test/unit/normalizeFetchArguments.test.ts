import {normalizeFetchArguments} from '../../src/lib/normalizeFetchArguments';

const rejects = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as Error & {code?: string};
  }
  throw new Error('did not throw');
};

describe('fetch(id, requests, options) arguments, as the spec checks them', () => {
  test('an empty id is a TypeError naming the id', () => {
    const error = rejects(() => normalizeFetchArguments('', ['https://example.com/a']));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('The background fetch id must be a non-empty string, got "".');
    expect(error.code).toBe('invalid-id');
  });

  test('a non-string id is a TypeError', () => {
    expect(rejects(() => normalizeFetchArguments(42, ['https://example.com/a']))).toBeInstanceOf(
      TypeError,
    );
  });

  test('an empty request list is a TypeError', () => {
    const error = rejects(() => normalizeFetchArguments('a', []));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/request list is empty/);
  });

  test('a no-cors request is a TypeError naming its URL', () => {
    const error = rejects(() =>
      normalizeFetchArguments('a', [
        'https://example.com/ok',
        new Request('https://example.com/opaque', {mode: 'no-cors'}),
      ]),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('"https://example.com/opaque"');
    expect(error.message).toContain("'no-cors'");
  });

  test('a non-http(s) URL is a TypeError', () => {
    expect(rejects(() => normalizeFetchArguments('a', ['data:text/plain,hi'])).message).toMatch(
      /only downloads http\(s\) URLs/,
    );
  });

  test('a negative or fractional downloadTotal is a TypeError', () => {
    expect(
      rejects(() => normalizeFetchArguments('a', ['https://example.com/a'], {downloadTotal: -1})),
    ).toBeInstanceOf(TypeError);
    expect(
      rejects(() => normalizeFetchArguments('a', ['https://example.com/a'], {downloadTotal: 1.5})),
    ).toBeInstanceOf(TypeError);
  });

  test('one request or a list of URLs and Requests becomes a list of Requests', () => {
    const single = normalizeFetchArguments('a', 'https://example.com/one');
    expect(single.requests.map((r) => r.url)).toEqual(['https://example.com/one']);
    const many = normalizeFetchArguments(
      'b',
      [new URL('https://example.com/x'), new Request('https://example.com/y')],
      {
        title: 'T',
        downloadTotal: 10,
      },
    );
    expect(many.requests.map((r) => r.url)).toEqual([
      'https://example.com/x',
      'https://example.com/y',
    ]);
    expect(many.options).toEqual({title: 'T', downloadTotal: 10});
  });
});
