/** `Range` (single range only) and `If-Range`, evaluated against a file's size and validators. */

/** A request header as one string (repeated headers joined with `, `). */
export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** A satisfiable range, `unsatisfiable` (416), or null: ignore the header. */
export type ParsedRange = {start: number; end: number} | 'unsatisfiable' | null;

/** Parses a single-range `Range` header against `size`; null = ignore the header. */
export function parseRange(header: string, size: number): ParsedRange {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null; // Multi-range or malformed: serve the full body.
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return {start: Math.max(0, size - n), end: size - 1};
  }
  const start = Number(a);
  let end = b === '' ? size - 1 : Number(b);
  if (b !== '' && end < start) return null;
  if (start >= size) return 'unsatisfiable';
  if (end >= size) end = size - 1;
  return {start, end};
}

/**
 * Whether an `If-Range` value lets the Range apply (RFC 9110 §13.1.5): an
 * ETag by strong comparison (a weak validator never matches), else an exact
 * `Last-Modified` date.
 */
export function ifRangeMatches(
  ifRange: string,
  validators: {etag: string | false; lastModified: string | false},
): boolean {
  const v = ifRange.trim();
  const {etag, lastModified} = validators;
  if (v.startsWith('"') || v.startsWith('W/')) {
    return !!etag && !v.startsWith('W/') && !etag.startsWith('W/') && v === etag;
  }
  return !!lastModified && v === lastModified;
}
