/**
 * Resume waste: bytes the server sends twice for one fallback download,
 * without a fault, with the worker stopped, and with the browser SIGKILLed
 * and relaunched. Which faults each engine allows is in `faultsFor`.
 */
import type {EngineBench} from './engineBench';
import type {Engine, ResumeRecord, Variant} from './types';
import {MiB, log, median, medianRange, sleep, withTimeout} from './util';

/**
 * The fault cases each engine can be put through on demand:
 * - Chromium: CDP stops the worker at once; the persistent profile survives a SIGKILL.
 * - Firefox: its worker stops only through idle timeouts that also stop busy
 *   workers (no stop on demand); the profile survives a SIGKILL.
 * - WebKitGTK: its worker stops only ~10 s after no page uses it (not on
 *   demand), and automation sessions keep no storage across a relaunch.
 */
export function faultsFor(engine: Engine): ResumeRecord['kind'][] {
  if (engine === 'chromium') return ['no-kill', 'worker-stop', 'browser-kill'];
  if (engine === 'firefox') return ['no-kill', 'browser-kill'];
  return ['no-kill'];
}

/** Why a fault case is not measured on `engine` (for the report), or undefined. */
export function notMeasurable(engine: Engine, kind: ResumeRecord['kind']): string | undefined {
  if (faultsFor(engine).includes(kind)) return undefined;
  if (kind === 'worker-stop') {
    return engine === 'firefox'
      ? 'Firefox stops a worker only through idle timeouts, which also stop busy workers: no stop on demand'
      : 'WebKitGTK stops a worker only ~10 s after no page uses it: no stop on demand';
  }
  return 'WebKitGTK automation sessions keep no storage across a browser relaunch';
}

async function waitSent(
  bench: EngineBench,
  path: string,
  from: number,
  bytes: number,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const sent = bench.server.requests
      .slice(from)
      .filter((e) => e.path === path)
      .reduce((s, e) => s + e.bytesSent, 0);
    if (sent >= bytes) return;
    if (Date.now() > end)
      throw new Error(`only ${sent} of ${bytes} bytes were sent within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/**
 * Bytes sent twice for fallback variant `v`: without a fault, or with the
 * worker stopped, or the browser SIGKILLed and relaunched, `kills` times
 * (at 1/(kills+1), 2/(kills+1) … of the bytes).
 */
export async function measureResume(
  bench: EngineBench,
  v: Variant,
  kind: ResumeRecord['kind'],
  kills: number,
  throttle: number,
): Promise<ResumeRecord> {
  const {server, engine} = bench;
  const size = bench.opts.size;
  const path = `/files/${v.key}.bin`;
  const id = bench.nextId(`${v.key}-${kind}`);
  const record: ResumeRecord = {
    engine,
    variant: v.key,
    kind,
    kills,
    throttle,
    size,
    ok: false,
    bytesSent: 0,
    wasteBytes: NaN,
    medianRangeBytes: 0,
    requests: 0,
    durationMs: NaN,
  };
  const timeoutMs = 120_000 + (size / throttle) * 4000;
  let start = Date.now();
  await bench.page('() => bench.clean()');
  const logFrom = server.requests.length;
  server.throttle(throttle);
  try {
    const {t0} = await bench.page<{t0: number}>(
      '(q, u, id, s) => bench.start(q, u, id, s)',
      v.queue,
      path,
      id,
      size,
    );
    start = t0;
    record.killsAtMs = [];
    if (kind === 'worker-stop') {
      for (let k = 1; k <= kills; k++) {
        await waitSent(bench, path, logFrom, (size * k) / (kills + 1), timeoutMs);
        record.killsAtMs.push(Date.now() - t0);
        await bench.session.stopServiceWorkers();
        await sleep(300);
        await bench.page('(q) => bench.wake(q)', v.queue);
      }
    } else if (kind === 'browser-kill') {
      const delays: number[] = [];
      for (let k = 1; k <= kills; k++) {
        await waitSent(bench, path, logFrom, (size * k) / (kills + 1), timeoutMs);
        record.killsAtMs.push(Date.now() - t0);
        let killedAt = 0;
        let relaunched = 0;
        const relaunch = async () => {
          await bench.session.kill();
          killedAt = Date.now();
          await sleep(500);
          await bench.session.relaunch();
          relaunched = Date.now();
          await bench.session.goto(server.url('/index.html'));
          await bench.page('() => bench.init()');
        };
        await relaunch();
        // Firefox ESR 153 at times counts the origin's usage below zero
        // after a kill during a large write (2^64 minus the cut write), and
        // refuses every write until it restarts: the library keeps the job
        // (quota.ts' usageMiscounted()), and it goes on after the next
        // start. Restart once more, as a user would, and report it.
        const usage = await bench.page<number>('() => bench.usage()');
        if (usage >= 2 ** 50) {
          record.miscounts = [...(record.miscounts ?? []), {kill: k, usage}];
          // What the job does meanwhile, for the log: it tries again, and
          // its record stays.
          await bench.page('(q) => bench.wake(q)', v.queue).catch(() => undefined);
          const retried = await server
            .waitForRequest((e) => e.path === path && e.startedAt > killedAt, {timeout: 15_000})
            .then(
              () => 'a request came',
              () => 'no request in 15 s',
            );
          const seen = await withTimeout(
            bench.page<unknown>('(q, id) => bench.diagnose(q, id)', v.queue, id),
            30_000,
            'the page diagnosis',
          ).catch((e: Error) => `diagnose failed: ${e.message}`);
          log(
            `${engine} resume ${v.key}: usage ${usage} after kill ${k}; ${retried}; the page saw ` +
              `${JSON.stringify(seen)}; relaunched once more`,
          );
          await relaunch();
        }
        await bench.page('(q) => bench.wake(q)', v.queue);
        const resumed = await server.waitForRequest(
          (e) => e.path === path && e.startedAt > killedAt,
          {timeout: 60_000},
        );
        delays.push(resumed.startedAt - relaunched);
      }
      record.resumeDelayMs = median(delays);
    }
    const result = await bench.session.waitFor<{type: string; tLanded: number; result: string}>(
      '(id) => bench.storedResult(id)',
      {args: [id], timeout: timeoutMs, interval: 250},
    );
    if (result.result !== 'success') throw new Error(`result ${result.type} ${result.result}`);
    const entries = server.requests
      .slice(logFrom)
      .filter((e) => e.path === path && e.method === 'GET');
    record.ok = true;
    record.durationMs = result.tLanded - t0;
    record.requests = entries.length;
    record.bytesSent = entries.reduce((s, e) => s + e.bytesSent, 0);
    record.wasteBytes = record.bytesSent - size;
    record.medianRangeBytes = medianRange(entries);
    const cached = await bench.page<number>('(u) => bench.cachedSize(u)', path);
    if (cached !== size) throw new Error(`the cached record has ${cached} bytes, expected ${size}`);
  } catch (error) {
    record.ok = false;
    record.error = (error as Error).message;
    const seen = await withTimeout(
      bench.page<unknown>('(q, id) => bench.diagnose(q, id)', v.queue, id),
      30_000,
      'the page diagnosis',
    ).catch((e: Error) => `diagnose failed: ${e.message}`);
    record.error += ` (the page saw: ${JSON.stringify(seen)})`;
    if (bench.session.processIds().length) await bench.recover();
  } finally {
    server.throttle(null);
    record.requestLog = server.requests
      .slice(logFrom)
      .filter((e) => e.path === path)
      .map((e) => [
        e.startedAt - start,
        (e.endedAt || Date.now()) - start,
        e.range ?? '',
        e.bytesSent,
        e.completed,
      ]);
  }
  log(
    `${engine} resume ${v.key} ${kind}×${kills}: ` +
      (record.ok
        ? `sent ${(record.bytesSent / MiB).toFixed(1)} MiB, waste ${(record.wasteBytes / MiB).toFixed(1)} MiB, ` +
          `chunks ~${(record.medianRangeBytes / MiB).toFixed(1)} MiB` +
          (record.resumeDelayMs !== undefined
            ? `, resumed ${record.resumeDelayMs} ms after relaunch`
            : '')
        : `FAILED ${record.error}`),
  );
  return record;
}
