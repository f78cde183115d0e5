/** The request log: one entry per request, updated in place as its response progresses, and waiters on it. */
import type * as http from 'node:http';
import {headerValue} from './range';
import type {RequestLogEntry} from './types';

interface Waiter {
  pred: (r: RequestLogEntry) => boolean;
  resolve: (r: RequestLogEntry) => void;
  reject: (e: Error) => void;
}

/** Backs {@link TestServer.requests}, `bytesSent`, `resetLog` and `waitForRequest`. */
export class RequestLog {
  /** Every request since the last reset, in arrival order (the array `TestServer.requests` exposes). */
  readonly entries: RequestLogEntry[] = [];
  private readonly waiters = new Set<Waiter>();
  private poll: NodeJS.Timeout | undefined;

  /** Logs a request that just arrived; its entry follows the response to its end. */
  record(req: http.IncomingMessage, res: http.ServerResponse, p: string): RequestLogEntry {
    const rawUrl = req.url ?? '/';
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: p,
      url: rawUrl,
      range: req.headers.range,
      ifRange: headerValue(req.headers['if-range']),
      headers: req.headers,
      status: 0,
      bytesSent: 0,
      completed: false,
      startedAt: Date.now(),
      endedAt: 0,
    };
    this.entries.push(entry);
    if (this.waiters.size) this.check();
    res.on('close', () => {
      entry.endedAt = Date.now();
      entry.completed = res.writableFinished;
      if (!entry.status && res.headersSent) entry.status = res.statusCode;
    });
    res.on('finish', () => {
      if (!entry.status) entry.status = res.statusCode;
    });
    return entry;
  }

  /** Body bytes sent for `p` (every path when omitted). */
  bytesSent(p?: string): number {
    let sum = 0;
    for (const r of this.entries) if (p === undefined || r.path === p) sum += r.bytesSent;
    return sum;
  }

  /** Empties the log. */
  reset(): void {
    this.entries.length = 0;
  }

  /** Resolves with the first entry matching `pred`, now or later; rejects after `timeout` ms. */
  waitFor(
    pred: (r: RequestLogEntry) => boolean,
    opts: {timeout?: number} = {},
  ): Promise<RequestLogEntry> {
    const found = this.entries.find(pred);
    if (found) return Promise.resolve(found);
    const timeout = opts.timeout ?? 30_000;
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        pred,
        resolve: (r: RequestLogEntry) => {
          clearTimeout(t);
          resolve(r);
        },
        reject: (e: Error) => {
          clearTimeout(t);
          reject(e);
        },
      };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`waitForRequest: no matching request within ${timeout} ms`));
      }, timeout);
      this.waiters.add(w);
      this.poll ??= setInterval(() => this.check(), 10);
    });
  }

  /** Rejects every waiter (the server is closing). */
  close(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    for (const w of this.waiters) w.reject(new Error('waitForRequest: server closed'));
    this.waiters.clear();
  }

  /** Re-checks the waiters against every entry (entries change as responses progress). */
  private check(): void {
    for (const w of [...this.waiters]) {
      let hit: RequestLogEntry | undefined;
      try {
        hit = this.entries.find(w.pred);
      } catch (e) {
        this.waiters.delete(w);
        w.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (hit) {
        this.waiters.delete(w);
        w.resolve(hit);
      }
    }
    if (!this.waiters.size && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }
}
