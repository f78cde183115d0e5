/**
 * Answers a request for a file: 200, 206 with `Content-Range`, or 416, from
 * `Range` and `If-Range`; HEAD; a gzip-encoded whole body when the file asks
 * for it; and the body faults (`ignoreRange`, `noContentLength`, `hang`,
 * `cutAfterBytes`).
 */
import type * as http from 'node:http';
import {gzipSync} from 'node:zlib';
import {baseHeaders} from './cors';
import type {FileEntry} from './files';
import {headerValue, ifRangeMatches, parseRange} from './range';
import {sendBody, waitClose} from './sendBody';
import type {TokenBucket} from './throttle';
import type {FaultSpec, RequestLogEntry} from './types';
import {httpDate} from './validators';

/** Sends `file` as the answer to `req` (see the module comment). */
export async function serveFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  entry: RequestLogEntry,
  file: FileEntry,
  fault: FaultSpec | undefined,
  throttle: () => TokenBucket | null,
): Promise<void> {
  const size = file.body.length;
  const headers: Record<string, string | number> = {
    ...baseHeaders(req),
    'Content-Type': file.contentType,
    'Accept-Ranges': file.acceptRanges ? 'bytes' : 'none',
  };
  const validators = mirrorValidators(file);
  if (validators.etag) headers.ETag = validators.etag;
  if (validators.lastModified) headers['Last-Modified'] = validators.lastModified;
  if (file.contentType.startsWith('text/javascript')) {
    headers['Service-Worker-Allowed'] = '/';
  }
  Object.assign(headers, file.headers);

  const rangeHeader = req.headers.range;
  if (
    file.gzip &&
    !rangeHeader &&
    req.method === 'GET' &&
    /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  ) {
    await serveGzipped(res, entry, file, headers, fault, throttle);
    return;
  }
  let status = 200;
  let start = 0;
  let end = size; // exclusive
  if (
    rangeHeader &&
    file.acceptRanges &&
    !fault?.ignoreRange &&
    (req.method === 'GET' || req.method === 'HEAD')
  ) {
    const ifRange = headerValue(req.headers['if-range']);
    const useRange = ifRange === undefined || ifRangeMatches(ifRange, validators);
    const r = useRange ? parseRange(rangeHeader, size) : null;
    if (r === 'unsatisfiable') {
      res.writeHead(416, {
        ...headers,
        'Content-Range': `bytes */${size}`,
        'Content-Length': 0,
      });
      entry.status = 416;
      res.end();
      return;
    }
    if (r) {
      status = 206;
      start = r.start;
      end = r.end + 1;
      headers['Content-Range'] = `bytes ${r.start}-${r.end}/${size}`;
    }
  }
  if (!fault?.noContentLength) headers['Content-Length'] = end - start;
  res.writeHead(status, headers);
  entry.status = status;
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (fault?.hang) {
    res.flushHeaders();
    await waitClose(res);
    return;
  }
  await sendBody(res, entry, file.body, start, end, fault?.cutAfterBytes, throttle);
}

/** The validators of the server of a load balancer that answers this request (`AddFileOptions.mirrors`). */
function mirrorValidators(file: FileEntry): {etag: string | false; lastModified: string | false} {
  const k = file.served++ % file.mirrors;
  if (k === 0) {
    return file;
  }
  return {
    etag: file.etag && `${file.etag.slice(0, -1)}-${k}"`,
    lastModified: file.lastModified && httpDate(Date.parse(file.lastModified) + k * 1000),
  };
}

/** A whole file gzip-encoded and chunked, as nginx's `gzip on` answers (see `AddFileOptions.gzip`). */
async function serveGzipped(
  res: http.ServerResponse,
  entry: RequestLogEntry,
  file: FileEntry,
  headers: Record<string, string | number>,
  fault: FaultSpec | undefined,
  throttle: () => TokenBucket | null,
): Promise<void> {
  file.gzipped ??= gzipSync(file.body);
  const encoded = file.gzipped;
  const gzHeaders: Record<string, string | number> = {
    ...headers,
    'Content-Encoding': 'gzip',
    Vary: headers.Vary ? `${headers.Vary}, Accept-Encoding` : 'Accept-Encoding',
  };
  if (typeof gzHeaders.ETag === 'string' && !gzHeaders.ETag.startsWith('W/')) {
    gzHeaders.ETag = `W/${gzHeaders.ETag}`;
  }
  res.writeHead(200, gzHeaders);
  entry.status = 200;
  if (fault?.hang) {
    res.flushHeaders();
    await waitClose(res);
    return;
  }
  await sendBody(res, entry, encoded, 0, encoded.length, fault?.cutAfterBytes, throttle);
}
