/** Custom routes (`TestServer.route`): the handler answers, the log counts the body bytes it writes. */
import type * as http from 'node:http';
import {baseHeaders} from './cors';
import {waitClose} from './sendBody';
import type {FaultSpec, RequestLogEntry, RouteHandler} from './types';

/** Runs `handler` with the CORS headers set; a `hang` fault sends 200 headers and never a body. */
export async function runRoute(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  entry: RequestLogEntry,
  handler: RouteHandler,
  fault: FaultSpec | undefined,
): Promise<void> {
  for (const [k, v] of Object.entries(baseHeaders(req))) res.setHeader(k, v);
  if (fault?.hang) {
    res.writeHead(200);
    res.flushHeaders();
    entry.status = 200;
    await waitClose(res);
    return;
  }
  // Count body bytes written by the handler.
  const origWrite = res.write.bind(res) as (...a: unknown[]) => boolean;
  const origEnd = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
  const count = (chunk: unknown) => {
    if (typeof chunk === 'string') entry.bytesSent += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) entry.bytesSent += chunk.length;
  };
  (res as unknown as {write: (...a: unknown[]) => boolean}).write = (...a: unknown[]) => {
    count(a[0]);
    return origWrite(...a);
  };
  (res as unknown as {end: (...a: unknown[]) => unknown}).end = (...a: unknown[]) => {
    if (typeof a[0] !== 'function') count(a[0]);
    return origEnd(...a);
  };
  await handler(req, res);
}
