/** Whether one CSP source expression allows `url` from a page at `self`. */
function sourceAllows(source: string, url: URL, self: URL): boolean {
  const lower = source.toLowerCase();
  if (lower === "'self'") {
    return url.host === self.host && (url.protocol === self.protocol || url.protocol === 'https:');
  }
  if (lower === '*') {
    return /^(https?|wss?):$/.test(url.protocol);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):$/.exec(lower);
  if (scheme) {
    return url.protocol === lower || (lower === 'http:' && url.protocol === 'https:');
  }
  const host = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:]+|\*)(?::(\d+|\*))?(\/.*)?$/.exec(lower);
  if (!host || lower.startsWith("'")) {
    return false;
  }
  const [, wantScheme, wildcard, name, port, path] = host;
  if (
    wantScheme
      ? url.protocol !== `${wantScheme}:` && !(wantScheme === 'http' && url.protocol === 'https:')
      : !/^https?:$/.test(url.protocol)
  ) {
    return false;
  }
  const hostname = url.hostname.toLowerCase();
  if (name !== '*' && (wildcard ? !hostname.endsWith(`.${name}`) : hostname !== name)) {
    return false;
  }
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  if (port !== '*' && (url.port || defaultPort) !== (port ?? defaultPort)) {
    return false;
  }
  return (
    !path ||
    path === '/' ||
    (path.endsWith('/') ? url.pathname.startsWith(path) : url.pathname === path)
  );
}

/**
 * Whether one Content-Security-Policy (its text, as in a `<meta>`'s
 * `content`) lets a page at `self` connect to `url`: its `connect-src`,
 * else its `default-src`, else yes.
 *
 * @private
 */
export function policyAllowsConnect(policy: string, url: URL, self: URL): boolean {
  const directives = new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name.toLowerCase(), sources] as const;
    }),
  );
  const sources = directives.get('connect-src') ?? directives.get('default-src');
  return !sources || sources.some((source) => sourceAllows(source, url, self));
}

/**
 * Whether the page's `<meta http-equiv="Content-Security-Policy">` policies
 * let it connect to `url`, as a native `fetch()` checks the page's policy
 * before it starts. The polyfill's downloads run in the worker, under the
 * worker's own policy, so the page's is checked here. Policies sent as HTTP
 * headers are invisible to scripts and not checked.
 *
 * @private
 */
export function metaConnectSrcAllows(url: URL): boolean {
  const self = new URL(location.href);
  return [...document.querySelectorAll('meta[http-equiv]')].every(
    (meta) =>
      meta.getAttribute('http-equiv')!.toLowerCase() !== 'content-security-policy' ||
      policyAllowsConnect(meta.getAttribute('content') ?? '', url, self),
  );
}
