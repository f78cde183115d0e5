/** Fault injection: the faults queued per path, and the injected error status answer. */
import type * as http from 'node:http';
import {baseHeaders} from './cors';
import type {FaultSpec, RequestLogEntry} from './types';

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** Faults per path; each request to a path uses up one use of the first fault queued for it. */
export class FaultTable {
  private readonly byPath = new Map<string, ActiveFault[]>();

  /** Queues `spec` for `p` (after any fault already queued there). */
  add(p: string, spec: FaultSpec): void {
    const list = this.byPath.get(p) ?? [];
    list.push({spec, remaining: spec.times ?? Infinity});
    this.byPath.set(p, list);
  }

  /** Removes the faults of `p`, or of every path. */
  clear(p?: string): void {
    if (p === undefined) this.byPath.clear();
    else this.byPath.delete(p);
  }

  /** The fault that applies to this request to `p` (one use taken), if any. */
  take(p: string): FaultSpec | undefined {
    const list = this.byPath.get(p);
    if (!list) return undefined;
    while (list.length && list[0].remaining <= 0) list.shift();
    const f = list[0];
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) list.shift();
    return f.spec;
  }
}

/** Answers with the fault's `status` and a small text body saying it is injected. */
export function answerWithStatus(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  entry: RequestLogEntry,
  status: number,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(`${status} (injected fault)\n`);
  res.writeHead(status, {
    ...baseHeaders(req),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    ...headers,
  });
  entry.status = status;
  if (req.method === 'HEAD') {
    res.end();
  } else {
    res.end(body, () => {
      entry.bytesSent += body.length;
    });
  }
}
