import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';

/**
 * For the fallback suites (the 'fallback' worker, page helpers `fb`):
 * resolves with the end event the test worker logged for job `id`. When none comes
 * within `timeout`, fails with what explains it: the job's snapshot from the
 * worker (or why there is none) and every request the server got for the
 * job's URLs (those containing `urlPart`, by default `/<id>/`; the last 20).
 * `queue`: the job's queue (default `dl`, the 'fallback' worker's).
 */
export async function waitForJobEnd<T>(
  browser: EngineSession,
  server: TestServer,
  id: string,
  {
    timeout = 60_000,
    urlPart = `/${id}/`,
    queue = 'dl',
  }: {timeout?: number; urlPart?: string; queue?: string} = {},
): Promise<T> {
  try {
    return await browser.waitFor<T>(`(id) => fb.event(id)`, {args: [id], timeout, interval: 200});
  } catch (error) {
    const snapshot = await browser
      .evaluate(
        `async () => Promise.race([
          (async () => { const r = await (await fb.manager(${JSON.stringify(queue)})).get(${JSON.stringify(id)}); return r ? r.snapshot() : 'no active job'; })(),
          new Promise((resolve) => setTimeout(() => resolve('the worker did not answer within 5 s'), 5000)),
        ])`,
      )
      .catch((e: Error) => `${e.name}: ${e.message}`);
    const requests = server.requests
      .filter((r) => r.url.includes(urlPart))
      .slice(-20)
      .map(
        (r) =>
          `${r.range ?? 'no Range'} → ${r.status} ${r.bytesSent} B${r.completed ? '' : r.endedAt ? ' cut' : ' open'}`,
      );
    throw new Error(
      `${(error as Error).message}; job ${id}: ${JSON.stringify(snapshot)}; requests: ${JSON.stringify(requests)}`,
    );
  }
}
