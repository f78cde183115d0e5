/*
  What NativeBackend makes of the browser's end events, in Node: the
  verdict of chooseBackend.ts carried out (settle, or hand the job to the
  fallback under the same id), the records checked before a success is
  trusted, and jobs of other queues left alone. The browser's registration
  and events are plain stand-ins with the fields the spec gives them; the
  records are real Requests and Responses.
*/
import {NativeBackend} from '../../../src/lib/native/NativeBackend';
import {toJobId} from '../../../src/lib/jobId';
import type {BackendContext, JobSettlement} from '../../../src/lib/BackgroundFetchBackend';
import type {
  BackgroundFetchFailureReason,
  BackgroundFetchManager,
  BackgroundFetchResult,
} from '../../../src/types';

// The logs are not under test.
jest.mock('../../../src/lib/logger', () => jest.requireActual('../support/silentLogger'));

const QUEUE = 'episodes';
const URL_A = 'https://example.com/media/a.bin';

interface RecordSpec {
  url?: string;
  method?: string;
  /** The response, or an Error for a record whose response never came. */
  response: Response | Error;
}

/** The browser's registration of a job that ended. */
function nativeRegistration(
  id: string,
  result: BackgroundFetchResult,
  failureReason: BackgroundFetchFailureReason,
  records: RecordSpec[],
  downloaded = 0,
) {
  return Object.assign(new EventTarget(), {
    id,
    uploadTotal: 0,
    uploaded: 0,
    downloadTotal: 0,
    downloaded,
    result,
    failureReason,
    recordsAvailable: true,
    abort: async () => false,
    matchAll: async () =>
      records.map(({url = URL_A, method = 'GET', response}) => ({
        request: new Request(url, {method}),
        responseReady:
          response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
      })),
  });
}

/** Fires a `backgroundfetch<type>` event at the worker; resolves with its waitUntil promises (none when ignored). */
async function fire(
  type: 'success' | 'fail' | 'abort',
  registration: ReturnType<typeof nativeRegistration>,
): Promise<number> {
  const waits: Promise<unknown>[] = [];
  const event = Object.assign(new Event(`backgroundfetch${type}`), {
    registration,
    waitUntil: (promise: Promise<unknown>) => waits.push(promise),
    updateUI: async () => undefined,
  });
  worker.dispatchEvent(event);
  await Promise.all(waits);
  return waits.length;
}

let worker: EventTarget;
let settled: JobSettlement[];
let failovers: Array<{id: string; urls: string[]; modes: string[]}>;

/** A backend of QUEUE whose failover resolves, rejects (`'refuse'`) or is absent (`nativeFailover: false`). */
function backend(failover: 'accept' | 'refuse' | 'none' = 'accept'): NativeBackend {
  const context: BackendContext = {
    queueName: QUEUE,
    onSettled: async (settlement) => {
      settled.push(settlement);
    },
    failover:
      failover === 'none'
        ? undefined
        : async (id, requests) => {
            if (failover === 'refuse') {
              throw new Error('the fallback could not start');
            }
            failovers.push({
              id,
              urls: requests.map((r) => r.url),
              modes: requests.map((r) => r.mode),
            });
            return {} as never;
          },
  };
  return new NativeBackend(context, {} as BackgroundFetchManager);
}

beforeEach(() => {
  worker = new EventTarget();
  (globalThis as {self?: unknown}).self = worker;
  settled = [];
  failovers = [];
});

afterAll(() => {
  delete (globalThis as {self?: unknown}).self;
});

const whole = () => new Response('0123456789', {headers: {'Content-Length': '10'}});
const job = toJobId(QUEUE, 'ep-5');

describe('a native job that ended', () => {
  test("a success whose records are whole settles as success, with updateUI, the caller's id, then releases its records", async () => {
    backend();
    await fire('success', nativeRegistration(job, 'success', '', [{response: whole()}], 10));
    expect(settled).toHaveLength(1);
    const [{type, registration, updateUI}] = settled;
    expect(type).toBe('success');
    expect(updateUI).toBeInstanceOf(Function);
    expect(registration).toMatchObject({id: 'ep-5', backend: 'native', result: 'success'});
    expect(registration.recordsAvailable).toBe(false);
    expect(failovers).toEqual([]);
  });

  test('a success with a short body is taken over by the fallback: same id, cors requests, no settlement', async () => {
    backend();
    const short = new Response('', {headers: {'Content-Length': '10'}});
    await fire('success', nativeRegistration(job, 'success', '', [{response: short}]));
    expect(failovers).toEqual([{id: 'ep-5', urls: [URL_A], modes: ['cors']}]);
    expect(settled).toEqual([]);
  });

  test('a fetch-error is taken over by the fallback', async () => {
    backend();
    await fire(
      'fail',
      nativeRegistration(job, 'failure', 'fetch-error', [{response: new Error('reset')}]),
    );
    expect(failovers.map(({id}) => id)).toEqual(['ep-5']);
    expect(settled).toEqual([]);
  });

  test('a fetch-error stays one when the fallback cannot take it over', async () => {
    backend('refuse');
    await fire(
      'fail',
      nativeRegistration(job, 'failure', 'fetch-error', [{response: new Error('reset')}]),
    );
    expect(settled.map(({type, registration}) => [type, registration.failureReason])).toEqual([
      ['fail', 'fetch-error'],
    ]);
  });

  test('without failover (nativeFailover: false) a short success fails with fetch-error', async () => {
    backend('none');
    const short = new Response('', {headers: {'Content-Length': '10'}});
    await fire('success', nativeRegistration(job, 'success', '', [{response: short}]));
    expect(
      settled.map(({type, registration}) => [
        type,
        registration.result,
        registration.failureReason,
      ]),
    ).toEqual([['fail', 'failure', 'fetch-error']]);
  });

  test("bad-status with a real HTTP status is the job's result: no take-over", async () => {
    backend();
    await fire(
      'fail',
      nativeRegistration(job, 'failure', 'bad-status', [
        {response: new Response('gone', {status: 404})},
      ]),
    );
    expect(failovers).toEqual([]);
    expect(settled.map(({type, registration}) => [type, registration.failureReason])).toEqual([
      ['fail', 'bad-status'],
    ]);
  });

  test('a POST job is never sent again: its fetch-error stays', async () => {
    backend();
    await fire(
      'fail',
      nativeRegistration(job, 'failure', 'fetch-error', [
        {method: 'POST', response: new Error('reset')},
      ]),
    );
    expect(failovers).toEqual([]);
    expect(settled.map(({type}) => type)).toEqual(['fail']);
  });

  test('an abort settles as abort without updateUI', async () => {
    backend();
    await fire('abort', nativeRegistration(job, 'failure', 'aborted', []));
    expect(settled.map(({type, updateUI}) => [type, updateUI])).toEqual([['abort', undefined]]);
  });

  test('jobs of another queue, or not started by this library, are left alone', async () => {
    backend();
    expect(
      await fire('success', nativeRegistration(toJobId('other', 'ep-5'), 'success', '', [])),
    ).toBe(0);
    expect(await fire('fail', nativeRegistration('ep-5', 'failure', 'fetch-error', []))).toBe(0);
    expect([settled, failovers]).toEqual([[], []]);
  });
});
