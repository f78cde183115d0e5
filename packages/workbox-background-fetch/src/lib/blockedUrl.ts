/** The Fetch standard's bad ports: a request to one is a network error. */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

/**
 * Why a download of `url` can never happen, as browsers block it before any
 * byte is sent, or `undefined`: a bad port (Fetch standard), or a URL
 * written with a newline and a `<` ("dangling markup", which Chromium
 * blocks; only visible in the string given, before parsing strips the
 * newline).
 *
 * @private
 */
export function blockedUrl(url: URL, written?: string): 'bad-port' | 'dangling-markup' | undefined {
  if (url.port !== '' && BAD_PORTS.has(Number(url.port))) {
    return 'bad-port';
  }
  if (written !== undefined && /[\n\r\t]/.test(written) && written.includes('<')) {
    return 'dangling-markup';
  }
  return undefined;
}
