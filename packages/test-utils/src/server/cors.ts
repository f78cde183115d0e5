/** CORS: the headers every response carries, and the answer to a preflight. */
import type * as http from 'node:http';
import type {RequestLogEntry} from './types';

const EXPOSED = 'Content-Range, Content-Length, ETag, Last-Modified, Accept-Ranges, Content-Type';

/** `no-store` plus CORS headers that let any origin (with credentials) read every header a download needs. */
export function baseHeaders(req: http.IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  const h: Record<string, string> = {
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': origin ?? '*',
    'Access-Control-Expose-Headers': EXPOSED,
  };
  if (origin) {
    h['Access-Control-Allow-Credentials'] = 'true';
    h.Vary = 'Origin';
  }
  return h;
}

/** Answers a CORS preflight with 204 and returns true; returns false for any other request. */
export function answerPreflight(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  entry: RequestLogEntry,
): boolean {
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  const h: Record<string, string> = {
    ...baseHeaders(req),
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Max-Age': '0',
    'Content-Length': '0',
  };
  const reqHeaders = req.headers['access-control-request-headers'];
  if (reqHeaders) h['Access-Control-Allow-Headers'] = reqHeaders;
  res.writeHead(204, h);
  entry.status = 204;
  res.end();
  return true;
}
