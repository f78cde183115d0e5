import {judgeRecordSizes} from './judgeRecordSizes.js';
import type {RecordSizeFacts, RecordVerdict} from './judgeRecordSizes.js';
import type {BackgroundFetchRecord} from '../../types.js';

/** The first record of a success that cannot be trusted, or `undefined` when all can. */
export type RecordProblem = Exclude<RecordVerdict, {verdict: 'whole'}>;

/**
 * Whether every record of a job that the browser reports as a success
 * really arrived whole (see `judgeRecordSizes` for the signals used):
 * Chromium's incognito-like contexts report a connection dropped mid-body
 * as a success with an empty body, whatever the response's framing (with a
 * `Content-Length`, chunked, gzip or br encoded).
 *
 * @param records The job's records (their bodies are read).
 * @param downloaded The browser's own count of downloaded bytes.
 * @return The first record that is short or cannot be shown whole, else
 *     `undefined`.
 *
 * @private
 */
export async function verifyRecordBodies(
  records: BackgroundFetchRecord[],
  downloaded: number,
): Promise<RecordProblem | undefined> {
  const facts: RecordSizeFacts[] = [];
  for (const record of records) {
    const response = await record.responseReady;
    const announced = response.headers.get('Content-Length');
    const length = announced === null ? NaN : Number(announced);
    facts.push({
      url: record.request.url,
      method: record.request.method,
      status: response.status,
      contentLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
      encoded: response.headers.has('Content-Encoding'),
      size: record.request.method === 'HEAD' ? 0 : (await response.blob()).size,
    });
  }
  return judgeRecordSizes(facts, downloaded).find(
    (verdict): verdict is RecordProblem => verdict.verdict !== 'whole',
  );
}
