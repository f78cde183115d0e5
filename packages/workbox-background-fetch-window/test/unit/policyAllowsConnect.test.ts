import {policyAllowsConnect} from '../../src/lib/polyfill/metaConnectSrc';

const self = new URL('https://app.example/page.html');
const allows = (policy: string, url: string) => policyAllowsConnect(policy, new URL(url), self);

describe("the page polyfill checks a <meta> CSP's connect-src as native fetch() does", () => {
  it("'none' allows nothing, a policy without connect-src or default-src allows all", () => {
    expect(allows("connect-src 'none'", 'https://example.com/')).toBe(false);
    expect(allows("img-src 'none'", 'https://example.com/')).toBe(true);
  });

  it("falls back to default-src, and 'self' means the page's origin", () => {
    expect(allows("default-src 'self'", 'https://app.example/a.mp4')).toBe(true);
    expect(allows("default-src 'self'", 'https://cdn.example/a.mp4')).toBe(false);
  });

  it('matches scheme, host, wildcard host, port and path sources', () => {
    expect(allows('connect-src https:', 'https://cdn.example/a')).toBe(true);
    expect(allows('connect-src https:', 'http://cdn.example/a')).toBe(false);
    expect(allows('connect-src *.example', 'https://cdn.example/a')).toBe(true);
    expect(allows('connect-src cdn.example:8443', 'https://cdn.example/a')).toBe(false);
    expect(allows('connect-src https://cdn.example/media/', 'https://cdn.example/media/a')).toBe(
      true,
    );
    expect(allows('connect-src https://cdn.example/media/', 'https://cdn.example/other/a')).toBe(
      false,
    );
  });
});
