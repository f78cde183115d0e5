import {chunkKey} from '../fallback/ChunkStore.js';
import {chunkStore} from '../fallback/chunkStores.js';
import {answerableRange, coveringSlices, parseRange} from './rangeMath.js';
import type {StoredJob} from '../fallback/StoredJob.js';

/**
 * A 206 answer to `request`'s `Range` from the bytes that active fallback
 * jobs already stored, or `undefined` when no job downloads that URL, the
 * file's length is not known yet, some byte of the range is missing, or a
 * chunk vanished meanwhile (the job finished and purged it) or could not
 * be read: the caller
 * then goes to the network. An open-ended range (`bytes=a-`, what media
 * elements send) is answered with the stored run from `a`.
 *
 * Only GET requests with a single-range `Range` header are answered; the
 * response carries the file's `Content-Type`, `Content-Range` and
 * `Content-Length`, and its body references the stored Blobs (nothing is
 * copied into memory).
 *
 * @param jobs The records of the queue's active fallback jobs.
 *
 * @private
 */
export async function readStoredRange(
  jobs: readonly StoredJob[],
  request: Request,
): Promise<Response | undefined> {
  const header = request.headers.get('range');
  if (request.method !== 'GET' || header === null) {
    return undefined;
  }
  for (const job of jobs) {
    const index = job.files.findIndex(
      (file) => file.request.method === 'GET' && file.request.url === request.url,
    );
    const file = job.files[index];
    if (!file || file.total === null || (file.head && file.head.status >= 300)) {
      continue;
    }
    const requested = parseRange(header, file.total);
    const range = requested && answerableRange(file.chunks, requested);
    const slices = range && coveringSlices(file.chunks, range);
    if (!range || !slices) {
      continue;
    }
    const store = chunkStore(job.storage);
    const parts: Blob[] = [];
    for (const {chunk, from, to} of slices) {
      // A store that does not answer (`chunk-read-timeout`): the network answers instead.
      const blob = await store
        .get(chunkKey(job.uid, index, file.generation, chunk.start))
        .catch(() => undefined);
      if (!blob || blob.size < to) {
        return undefined;
      }
      parts.push(blob.slice(from, to));
    }
    const headers = new Headers();
    const type = file.head?.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
    if (type) {
      headers.set('Content-Type', type);
    }
    headers.set('Content-Range', `bytes ${range.start}-${range.end - 1}/${file.total}`);
    headers.set('Content-Length', String(range.end - range.start));
    headers.set('Accept-Ranges', 'bytes');
    return new Response(new Blob(parts, {type: type ?? ''}), {
      status: 206,
      statusText: 'Partial Content',
      headers,
    });
  }
  return undefined;
}

/**
 * Whether an active fallback job downloads `url` (a GET of it).
 *
 * @private
 */
export function isDownloading(jobs: readonly StoredJob[], url: string): boolean {
  return jobs.some((job) =>
    job.files.some((file) => file.request.method === 'GET' && file.request.url === url),
  );
}
