import {blockedUrl} from '../../src/lib/blockedUrl';
import {normalizeFetchArguments} from '../../src/lib/normalizeFetchArguments';

describe('fetch() refuses URLs browsers never download', () => {
  it("a Fetch-standard bad port (SMTP's 587) is refused; 443, 80 and 8080 are not", () => {
    expect(blockedUrl(new URL('https://example.com:587/'))).toBe('bad-port');
    for (const url of [
      'https://example.com:443/',
      'https://example.com:80/',
      'http://example.com:8080/',
    ]) {
      expect(blockedUrl(new URL(url))).toBeUndefined();
    }
  });

  it('a URL written with a newline and a < (dangling markup) is refused', () => {
    expect(blockedUrl(new URL('https://example.com/?\n<'), 'https://example.com/?\n<')).toBe(
      'dangling-markup',
    );
    expect(blockedUrl(new URL('https://example.com/?<'), 'https://example.com/?<')).toBeUndefined();
  });

  it('normalizeFetchArguments rejects both with a TypeError naming the URL', () => {
    expect(() => normalizeFetchArguments('a', 'https://example.com:587/x')).toThrow(TypeError);
    expect(() => normalizeFetchArguments('a', 'https://example.com/?\n<')).toThrow(
      /dangling markup/,
    );
  });
});
