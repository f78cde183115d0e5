/*
  `fetch` for Node unit tests of the fallback driver: answers from files in
  memory with the Range rules of `serveFile` (simulateDownload.ts), and
  turns the simulation's fault answers into what a browser's fetch does: a
  rejected promise for a network error, a body that errors part way for a
  cut, a response that never comes (until the request is aborted) for a
  stall. Aborting a request errors its body, as in browsers.
*/
import {serveFile} from '../fallback/simulateDownload';
import type {FakeAnswer, FakeResponse, SeenRequest} from '../fallback/simulateDownload';

/** Bytes per body piece, as a network delivers them. */
const PIECE = 64 * 1024;

/** A request the fake server saw, with its method. */
export interface SeenFetch extends SeenRequest {
  method: string;
}

/** What `fakeFetch()` answers with. */
export interface FakeFetch {
  fetch: typeof fetch;
  /** Every request, in order. */
  seen: SeenFetch[];
  /** Resolves once request number `index` (0-based) arrived. */
  arrived(index: number): Promise<void>;
}

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

function bodyStream(answer: FakeResponse, signal: AbortSignal): ReadableStream<Uint8Array> {
  const body = answer.body ?? new Uint8Array(0);
  const end = Math.min(body.length, answer.cutAfter ?? body.length);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener('abort', () => controller.error(abortError()), {once: true});
    },
    pull(controller) {
      if (signal.aborted) {
        controller.error(abortError());
      } else if (offset < end) {
        const piece = body.slice(offset, Math.min(end, offset + PIECE));
        offset += piece.length;
        controller.enqueue(piece);
      } else if (end < body.length) {
        controller.error(new TypeError('network error: the connection was cut'));
      } else {
        controller.close();
      }
    },
  });
}

/**
 * A fake `fetch` serving `files` (absolute URL → bytes) with Range support
 * and `headers` on every answer; `fault(seen, index)` may answer instead
 * (5xx, a cut, a network error, a stall).
 */
export function fakeFetch(
  files: Record<string, Uint8Array>,
  {
    headers = {etag: '"v1"'},
    ranges = true,
    fault = () => undefined,
  }: {
    headers?: Record<string, string>;
    ranges?: boolean;
    fault?: (seen: SeenFetch, index: number) => FakeAnswer | undefined;
  } = {},
): FakeFetch {
  const seen: SeenFetch[] = [];
  const waiting = new Map<number, () => void>();
  const arrivals = new Map<number, Promise<void>>();
  const arrived = (index: number): Promise<void> => {
    let promise = arrivals.get(index);
    if (!promise) {
      promise = new Promise((resolve) => waiting.set(index, resolve));
      arrivals.set(index, promise);
    }
    return promise;
  };
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const {signal} = request;
    const requestHeaders: Record<string, string> = {};
    for (const [name, value] of request.headers) {
      const known: Record<string, string> = {range: 'Range', 'if-range': 'If-Range'};
      requestHeaders[known[name] ?? name] = value;
    }
    const entry: SeenFetch = {url: request.url, method: request.method, headers: requestHeaders};
    seen.push(entry);
    const index = seen.length - 1;
    void arrived(index);
    waiting.get(index)?.();
    if (signal.aborted) {
      throw abortError();
    }
    const file = files[request.url];
    const answer: FakeAnswer =
      fault(entry, index) ??
      (file ? serveFile(file, headers, entry, {ranges}) : {status: 404, body: new Uint8Array(0)});
    if ('network' in answer) {
      throw new TypeError('Failed to fetch');
    }
    if ('stall' in answer) {
      return new Promise<Response>((_, reject) => {
        signal.addEventListener('abort', () => reject(abortError()), {once: true});
      });
    }
    const hasBody = request.method !== 'HEAD' && ![204, 304].includes(answer.status);
    return new Response(hasBody ? bodyStream(answer, signal) : null, {
      status: answer.status,
      headers: answer.headers,
    });
  };
  return {fetch: fetchImpl as typeof fetch, seen, arrived};
}
