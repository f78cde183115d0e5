/** HTTP validators: dates, strong ETags. */
import {createHash} from 'node:crypto';

/** An HTTP date, whole seconds. */
export function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

/** A strong ETag from the body's SHA-256 and length. */
export function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}-${body.length.toString(36)}"`;
}

/** `e` quoted as an ETag unless it already is. */
export function quoteEtag(e: string): string {
  if (e.startsWith('"') || e.startsWith('W/"')) return e;
  return `"${e}"`;
}
