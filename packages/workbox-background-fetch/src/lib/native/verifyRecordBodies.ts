import type {BackgroundFetchRecord} from '../../types.js';

/**
 * Whether every record of a job that the browser reports as a success really
 * arrived whole: a body shorter than its `Content-Length` (or empty while one
 * was announced) means the connection dropped mid-body, which Chromium's
 * incognito-like contexts report as a success.
 *
 * HEAD requests and bodies with a `Content-Encoding` are skipped: their `Content-Length` counts
 * encoded bytes.
 *
 * @private
 */
export async function verifyRecordBodies(
  records: BackgroundFetchRecord[],
): Promise<{ok: true} | {ok: false; url: string; expected: number; got: number}> {
  for (const record of records) {
    if (record.request.method === 'HEAD') {
      continue;
    }
    const response = await record.responseReady;
    const announced = response.headers.get('Content-Length');
    if (announced === null || response.headers.has('Content-Encoding')) {
      continue;
    }
    const expected = Number(announced);
    const got = (await response.blob()).size;
    if (Number.isFinite(expected) && got !== expected) {
      return {ok: false, url: record.request.url, expected, got};
    }
  }
  return {ok: true};
}
