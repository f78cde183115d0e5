import {step} from '../../../src/lib/fallback/downloadCore';
import {createDownloadState} from '../../../src/lib/fallback/downloadState';
import {STREAM_BELOW, readInParts} from '../../../src/lib/fallback/planChunks';
import {expectedTotal, jobSnapshot} from '../../../src/lib/fallback/jobSnapshot';
import {SETTINGS, Simulation, bytes, newRecord, serveFile} from './simulateDownload';
import type {FakeAnswer, FakeResponse, SeenRequest} from './simulateDownload';

const KiB = 1024;
const ETAG = {etag: '"v1"'};

/** A server for `files` (url → bytes) where `fault(seen, index)` may answer instead. */
function server(
  files: Record<string, Uint8Array>,
  fault: (seen: SeenRequest, index: number) => FakeAnswer | undefined = () => undefined,
  {ranges = true, headers = ETAG}: {ranges?: boolean; headers?: Record<string, string>} = {},
) {
  return (seen: SeenRequest, index: number): FakeAnswer =>
    fault(seen, index) ?? serveFile(files[seen.url], headers, seen, {ranges});
}

/** The first request of a file: its first chunk, asked with `Range: bytes=0-…` and no validator. */
function isFirstChunk(seen: SeenRequest): boolean {
  return /^bytes=0-\d+$/.test(seen.headers.Range ?? '') && !seen.headers['If-Range'];
}

/** Byte-for-byte equality (jest's toEqual walks typed arrays one element at a time). */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected))).toBe(0);
}

function expectSucceeded(sim: Simulation, sources: Uint8Array[]): void {
  expect(sim.state.record.state).toBe('succeeded');
  expect(sim.settlements).toEqual(['success']);
  sources.forEach((source, index) => {
    expectBytes(sim.fileBytes(index), source);
  });
}

/** Runs a job to its settlement, but keeps its chunks (no purge) so their bytes can be checked. */
function runKeepingChunks(sim: Simulation): void {
  sim.send({type: 'start'});
  sim.settle();
}

describe('download core: a download that goes well', () => {
  test('a small file is one request read whole, then the job succeeds, settles and is purged', () => {
    const file = bytes(10 * KiB);
    const sim = new Simulation(newRecord(['/a']), server({'/a': file}), {holdSettlement: true});
    sim.run({type: 'start'});
    expect(sim.commandsOf('read')).toHaveLength(1);
    expect(sim.commandsOf('watch').at(-1)!.ms).toBeGreaterThan(SETTINGS.stallTimeout);
    expectBytes(sim.fileBytes(0), file);
    sim.release();
    expect(sim.state.record.state).toBe('succeeded');
    expect(sim.settlements).toEqual(['success']);
    expect(sim.recordsAvailableWhenSettled).toBe(true);
    expect(sim.state.record.settled).toBe(true);
    expect(sim.state.recordsAvailable).toBe(false);
    expect(sim.state.settlement).toBe('gone');
    expect(sim.forgotten).toBe(true);
    expect(sim.chunks.size).toBe(0);
    expect(sim.seen).toHaveLength(1);
    // The first request asks for the first chunk only, without a validator.
    expect(sim.seen[0].headers).toEqual({Range: `bytes=0-${256 * KiB - 1}`});
  });

  test('the settlement comes before the purge: recordsUnavailable, save, purge, forget', () => {
    const sim = new Simulation(newRecord(['/a']), server({'/a': bytes(100)}));
    sim.run({type: 'start'});
    const order = sim.commands
      .map((command) => command.type)
      .filter((type) =>
        ['finalProgress', 'settle', 'recordsUnavailable', 'purge', 'forget'].includes(type),
      );
    expect(order).toEqual(['finalProgress', 'settle', 'recordsUnavailable', 'purge', 'forget']);
    const final = sim.commandsOf('finalProgress')[0].snapshot;
    expect(final.result).toBe('');
    expect(final.downloaded).toBe(100);
  });

  test('a large file with ranges: the first response gives one chunk, Range requests fetch the rest, at most maxInFlight at once', () => {
    const file = bytes(2 * 1024 * KiB + 123);
    const sim = new Simulation(newRecord(['/big']), server({'/big': file}), {holdSettlement: true});
    let most = 0;
    const original = sim.send.bind(sim);
    sim.send = (event) => {
      const accepted = original(event);
      most = Math.max(most, sim.state.requests.length);
      return accepted;
    };
    runKeepingChunks(sim);
    expectSucceeded(sim, [file]);
    expect(sim.seen.length).toBeGreaterThan(2);
    expect(sim.seen.slice(1).every((seen) => seen.headers.Range?.startsWith('bytes='))).toBe(true);
    expect(sim.seen.slice(1).every((seen) => seen.headers['If-Range'] === '"v1"')).toBe(true);
    expect(most).toBeLessThanOrEqual(SETTINGS.maxInFlight);
  });

  test('a server without ranges is read as one stream to the end; a length it did not announce is learnt', () => {
    const file = bytes(3 * 1024 * KiB);
    const sim = new Simulation(newRecord(['/s']), () => ({status: 200, headers: {}, body: file}));
    sim.run({type: 'start'});
    expect(sim.seen).toHaveLength(1);
    expect(sim.state.files[0].stored.total).toBe(file.length);
    expect(sim.state.files[0].stored.ranges).toBe(false);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('several files: each is downloaded, the job succeeds once every file is done', () => {
    const files = {'/a': bytes(5000, 1), '/b': bytes(7000, 2), '/c': bytes(9000, 3)};
    const sim = new Simulation(newRecord(Object.keys(files)), server(files));
    sim.send({type: 'start'});
    sim.settle();
    expect(sim.state.record.state).toBe('succeeded');
    expect(sim.state.files.map((file) => file.stored.status)).toEqual(['done', 'done', 'done']);
  });
});

describe('download core: faults', () => {
  /** Runs the job until its settlement, and reads the bytes stored before the purge. */
  function checkBytes(files: Record<string, Uint8Array>, fault: Parameters<typeof server>[1]) {
    const sim = new Simulation(newRecord(Object.keys(files)), server(files, fault), {
      holdSettlement: true,
    });
    sim.run({type: 'start'});
    expect(sim.state.settlement).toBe('settling');
    const stored = Object.keys(files).map((_, index) => sim.fileBytes(index));
    sim.release();
    expect(sim.state.settlement).toBe('gone');
    expect(sim.chunks.size).toBe(0);
    return {sim, stored};
  }

  test('a 5xx to a Range request is retried after a backoff, then the download goes on', () => {
    const file = bytes(1024 * KiB);
    const {sim} = checkBytes({'/f': file}, (_, index) => (index === 1 ? {status: 503} : undefined));
    expect(sim.state.record.state).toBe('succeeded');
    expect(sim.now).toBeGreaterThanOrEqual(50);
  });

  test('a network error is retried; progress resets the attempts', () => {
    const file = bytes(600 * KiB);
    const {sim} = checkBytes({'/f': file}, (_, index) => (index < 2 ? {network: true} : undefined));
    expect(sim.state.record.state).toBe('succeeded');
    expect(sim.state.files[0].stored.attempts).toBe(0);
  });

  test('the requests in flight when an outage hits fail together and count as one attempt: two outages cut four requests, and with maxAttempts 3 the file still downloads', () => {
    const file = bytes(2048 * KiB);
    // Request 0 learns the size; 1 and 2 go out together and stall, and so
    // do their retries 3 and 4: two cuts of two requests each.
    const {sim} = checkBytes({'/f': file}, (_, index) =>
      index >= 1 && index <= 4 ? {stall: true} : undefined,
    );
    expect(sim.seen.length).toBeGreaterThan(5);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('each outage counts: requests cut in three outages in a row fail the file (maxAttempts 3)', () => {
    const sim = new Simulation(newRecord(['/f']), (seen, index) =>
      index === 0 ? serveFile(bytes(2048 * KiB), {}, seen) : {stall: true},
    );
    sim.run({type: 'start'});
    expect(sim.state.record.state).toBe('failed');
    expect(sim.state.record.failureReason).toBe('fetch-error');
    // The size-learning request, then two requests per outage.
    expect(sim.seen).toHaveLength(1 + 2 * SETTINGS.retry.maxAttempts);
  });

  test('network errors beyond maxAttempts fail the file and the job with fetch-error', () => {
    const sim = new Simulation(newRecord(['/f']), () => ({network: true}));
    sim.run({type: 'start'});
    expect(sim.seen).toHaveLength(SETTINGS.retry.maxAttempts);
    expect(sim.state.files[0].stored.status).toBe('failed');
    expect(sim.state.record.state).toBe('failed');
    expect(sim.state.record.failureReason).toBe('fetch-error');
    expect(sim.settlements).toEqual(['fail']);
  });

  test('a final 404 becomes the record (bad-status) with its body; the job fails with bad-status', () => {
    const sim = new Simulation(newRecord(['/missing']), () => ({
      status: 404,
      headers: {'content-type': 'text/plain'},
      body: new TextEncoder().encode('not here'),
    }));
    sim.send({type: 'start'});
    sim.settle();
    const {stored} = sim.state.files[0];
    expect(stored.status).toBe('bad-status');
    expect(stored.head?.status).toBe(404);
    expect(stored.total).toBe(8);
    expect(sim.state.record.failureReason).toBe('bad-status');
    // A 4xx is final: asked once (the first chunk's request).
    expect(sim.seen).toHaveLength(1);
  });

  test('5xx to a full request is retried maxAttempts times, then the last one is the record', () => {
    const sim = new Simulation(newRecord(['/f']), () => ({status: 500, body: new Uint8Array(3)}));
    sim.run({type: 'start'});
    expect(sim.seen).toHaveLength(SETTINGS.retry.maxAttempts);
    expect(sim.state.files[0].stored.status).toBe('bad-status');
    expect(sim.state.record.failureReason).toBe('bad-status');
  });

  test('an opaque redirect (status 0) fails the file with fetch-error', () => {
    const sim = new Simulation(newRecord(['/r']), () => ({status: 0}));
    sim.run({type: 'start'});
    expect(sim.state.record.failureReason).toBe('fetch-error');
  });

  test('a request that stalls is cut after stallTimeout and retried', () => {
    const file = bytes(10 * KiB);
    const sim = new Simulation(
      newRecord(['/f']),
      server({'/f': file}, (_, index) => (index === 0 ? {stall: true} : undefined)),
    );
    sim.run({type: 'start'});
    expect(sim.commandsOf('cancel')).toHaveLength(1);
    expect(sim.now).toBeGreaterThanOrEqual(SETTINGS.stallTimeout);
    expect(sim.seen).toHaveLength(2);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('a connection cut mid-body keeps what arrived and resumes from it with Range', () => {
    const file = bytes(300 * KiB);
    const {sim, stored} = checkBytes({'/f': file}, (seen, index) =>
      index === 0
        ? ({...(serveFile(file, ETAG, seen) as object), cutAfter: 100 * KiB} as FakeAnswer)
        : undefined,
    );
    expectBytes(stored[0], file);
    expect(sim.seen[1].headers.Range).toMatch(/^bytes=\d+-/);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('a 200 to a resume of the same file starts over from it and asks no more Range', () => {
    const file = bytes(300 * KiB);
    const {sim, stored} = checkBytes({'/f': file}, (seen, index) => {
      if (index === 0) {
        return {...(serveFile(file, ETAG, seen) as object), cutAfter: 100 * KiB} as FakeAnswer;
      }
      return {status: 200, headers: {...ETAG, 'content-length': String(file.length)}, body: file};
    });
    expectBytes(stored[0], file);
    expect(sim.state.files[0].rangesRefused).toBe(true);
    expect(sim.state.files[0].stored.generation).toBe(1);
    expect(sim.state.files[0].stored.changes).toBe(0);
  });

  test('a 200 of a new version to a resume counts a change and starts over from it', () => {
    const file = bytes(300 * KiB);
    const changed = bytes(300 * KiB, 9);
    const {sim, stored} = checkBytes({'/f': file}, (seen, index) => {
      if (index === 0) {
        return {...(serveFile(file, ETAG, seen) as object), cutAfter: 100 * KiB} as FakeAnswer;
      }
      return serveFile(changed, {etag: '"v2"'}, {...seen, headers: {}});
    });
    expectBytes(stored[0], changed);
    expect(sim.state.files[0].stored.changes).toBe(1);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('servers behind a load balancer, each with its own ETag (a new validator on every Range answer): after the first change the file is read in one request, as a plain fetch reads it, and succeeds', () => {
    const file = bytes(2 * 1024 * KiB);
    let version = 0;
    const {sim, stored} = checkBytes({'/f': file}, (seen) => {
      if (seen.headers.Range) {
        version += 1;
      }
      return serveFile(file, {etag: `"v${version}"`}, seen);
    });
    expectBytes(stored[0], file);
    expect(sim.state.files[0].stored.changes).toBe(1);
    // The first chunk, Range answers (the first of them "changed" the
    // file), then one request without Range to the end.
    const after = sim.seen.slice(sim.seen.findIndex((seen) => !seen.headers.Range));
    expect(after).toHaveLength(1);
    expect(sim.seen.filter((seen) => !seen.headers.Range)).toHaveLength(1);
  });

  test('a file that changed is resumed from its stored bytes when its one request is cut', () => {
    const file = bytes(2 * 1024 * KiB);
    const changed = bytes(2 * 1024 * KiB, 5);
    const {sim, stored} = checkBytes({'/f': file}, (seen, index) => {
      if (index === 0) {
        return serveFile(file, ETAG, seen);
      }
      const answer = serveFile(changed, {etag: '"v2"'}, seen) as FakeResponse;
      // The new version's whole answer is cut once, after 700 KiB.
      return seen.headers.Range ? answer : {...answer, cutAfter: 700 * KiB};
    });
    expectBytes(stored[0], changed);
    expect(sim.state.files[0].stored.changes).toBe(1);
    const last = sim.seen.at(-1)!;
    expect(last.headers.Range).toBe(`bytes=${700 * KiB}-`);
    expect(last.headers['If-Range']).toBe('"v2"');
  });

  test('a file that changes on every answer, its connection cut each time, fails after three changes (fetch-error)', () => {
    const file = bytes(2 * 1024 * KiB);
    let version = 0;
    const sim = new Simulation(newRecord(['/f']), (seen) => {
      version += 1;
      const answer = serveFile(file, {etag: `"v${version}"`}, seen) as FakeResponse;
      return {...answer, cutAfter: 100 * KiB};
    });
    sim.run({type: 'start'});
    expect(sim.state.files[0].stored.changes).toBe(4);
    expect(sim.state.files[0].stored.status).toBe('failed');
    expect(sim.state.record.failureReason).toBe('fetch-error');
    expect(sim.commandsOf('deleteGeneration').length).toBeGreaterThanOrEqual(3);
  });

  test('a 416 or a Content-Range that does not start where asked starts the file over', () => {
    const file = bytes(1024 * KiB);
    const answers: FakeAnswer[] = [
      {status: 416, headers: {'content-range': 'bytes */1'}},
      {
        status: 206,
        headers: {'content-range': `bytes 1-2/${file.length}`, 'content-length': '2'},
        body: file.subarray(1, 3),
      },
    ];
    for (const bad of answers) {
      const {sim, stored} = checkBytes({'/f': file}, (_, index) => (index === 1 ? bad : undefined));
      expect(sim.state.files[0].stored.changes).toBe(1);
      expectBytes(stored[0], file);
    }
  });

  test.each([429, 408, 503])(
    'a %i with Retry-After to a Range request keeps the stored bytes: the same range is asked again once the wait is over (at most maxDelay), then the download goes on',
    (status) => {
      const file = bytes(1024 * KiB);
      const asked: Array<{start: number | null; at: number}> = [];
      const sim: Simulation = new Simulation(
        newRecord(['/f']),
        server({'/f': file}, (seen, index) => {
          const start = /^bytes=(\d+)-/.exec(seen.headers.Range ?? '')?.[1];
          asked.push({start: start === undefined ? null : Number(start), at: sim.now});
          return index === 1 ? {status, headers: {'retry-after': '1'}} : undefined;
        }),
        {holdSettlement: true},
      );
      runKeepingChunks(sim);
      expectSucceeded(sim, [file]);
      // Never asked without Range, never started over.
      expect(asked.every(({start}) => start !== null)).toBe(true);
      expect(sim.state.files[0].stored.generation).toBe(0);
      const limited = asked[1];
      const again = asked.slice(2).find(({start}) => start === limited.start)!;
      expect(again).toBeDefined();
      // Retry-After: 1 s, capped at maxDelay (400 ms); the backoff alone is 50-100 ms.
      expect(again.at - limited.at).toBeGreaterThanOrEqual(SETTINGS.retry.maxDelay);
    },
  );

  test('a 4xx to a Range request: ranges refused, the whole file is asked again', () => {
    const file = bytes(1024 * KiB);
    const {sim, stored} = checkBytes({'/f': file}, (seen, index) =>
      seen.headers.Range && !isFirstChunk(seen) && index < 3 ? {status: 403} : undefined,
    );
    expect(sim.state.files[0].rangesRefused).toBe(true);
    expectBytes(stored[0], file);
    expect(sim.seen.at(-1)!.headers).toEqual({});
  });

  test('the first request asks for the first chunk only (no connection cut, no byte sent twice); its 206 gives the length and a full 200 head', () => {
    const file = bytes(1024 * KiB + 5);
    const sim = new Simulation(newRecord(['/f']), server({'/f': file}), {holdSettlement: true});
    runKeepingChunks(sim);
    expectSucceeded(sim, [file]);
    expect(sim.seen[0].headers).toEqual({Range: `bytes=0-${256 * KiB - 1}`});
    const {stored} = sim.state.files[0];
    expect(stored.head?.status).toBe(200);
    expect(stored.head?.headers).toContainEqual(['content-length', String(file.length)]);
    expect(stored.head?.headers.some(([name]) => name === 'content-range')).toBe(false);
    expect(stored.total).toBe(file.length);
    expect(stored.ranges).toBe(true);
  });

  test('the first chunk asked of an empty file (416), or answered without a usable Content-Range, is asked again without Range', () => {
    const empty = new Simulation(newRecord(['/e']), server({'/e': new Uint8Array(0)}));
    empty.run({type: 'start'});
    expect(empty.seen.map((seen) => seen.headers)).toEqual([
      {Range: `bytes=0-${256 * KiB - 1}`},
      {},
    ]);
    expect(empty.state.record.state).toBe('succeeded');
    const file = bytes(600 * KiB);
    const hidden = new Simulation(
      newRecord(['/h']),
      server({'/h': file}, (seen) =>
        isFirstChunk(seen)
          ? {
              status: 206,
              headers: {'content-length': String(256 * KiB)},
              body: file.subarray(0, 256 * KiB),
            }
          : undefined,
      ),
      {holdSettlement: true},
    );
    runKeepingChunks(hidden);
    expectSucceeded(hidden, [file]);
    expect(hidden.seen.at(-1)!.headers).toEqual({});
  });

  test('a 5xx to a Range request maxAttempts times fails the file (fetch-error)', () => {
    const file = bytes(1024 * KiB);
    const sim = new Simulation(
      newRecord(['/f']),
      server({'/f': file}, (seen) =>
        seen.headers.Range && !isFirstChunk(seen) ? {status: 502} : undefined,
      ),
    );
    sim.run({type: 'start'});
    expect(sim.state.record.failureReason).toBe('fetch-error');
  });

  test('an empty body where bytes were announced is a failed attempt', () => {
    const file = bytes(1024 * KiB);
    const {sim, stored} = checkBytes({'/f': file}, (seen, index) =>
      index === 1
        ? ({...(serveFile(file, ETAG, seen) as object), cutAfter: 0} as FakeAnswer)
        : undefined,
    );
    expectBytes(stored[0], file);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('offline: a network error waits for the network without counting the attempt', () => {
    const file = bytes(10 * KiB);
    const sim = new Simulation(
      newRecord(['/f']),
      server({'/f': file}, (_, index) => (index === 0 ? {network: true} : undefined)),
    );
    sim.online = false;
    sim.run({type: 'start'});
    expect(sim.state.offline).toBe(true);
    expect(sim.commandsOf('waitOnline')).toHaveLength(1);
    expect(sim.state.files[0].stored.attempts).toBe(0);
    expect(sim.seen).toHaveLength(1);
    sim.goOnline();
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('POST is sent once, after its record says so; a network error fails it at once', () => {
    const sim = new Simulation(newRecord(['/p'], 0, 'POST'), () => ({network: true}), {
      holdSettlement: true,
    });
    sim.send({type: 'start'});
    const fetch = sim.commandsOf('fetch')[0];
    expect(fetch.afterSave).toBe(true);
    expect(sim.saved?.files[0].sent).toBe(true);
    sim.settle();
    expect(sim.seen).toHaveLength(1);
    expect(sim.state.record.failureReason).toBe('fetch-error');
  });
});

describe('download core: limits', () => {
  test('downloadTotal smaller than the announced length fails the job at once (download-total-exceeded)', () => {
    const sim = new Simulation(newRecord(['/f'], 1000), server({'/f': bytes(5000)}));
    sim.run({type: 'start'});
    expect(sim.state.record.state).toBe('failed');
    expect(sim.state.record.failureReason).toBe('download-total-exceeded');
    expect(sim.settlements).toEqual(['fail']);
  });

  test('downloadTotal exceeded by a stream of unknown length', () => {
    const sim = new Simulation(newRecord(['/f'], 100 * KiB), () => ({
      status: 200,
      body: bytes(300 * KiB),
    }));
    sim.run({type: 'start'});
    expect(sim.state.record.failureReason).toBe('download-total-exceeded');
  });

  test('no room for the file: quota-exceeded', () => {
    const sim = new Simulation(newRecord(['/f']), server({'/f': bytes(5000)}));
    sim.room = 100;
    sim.run({type: 'start'});
    expect(sim.state.record.failureReason).toBe('quota-exceeded');
    expect(sim.chunks.size).toBe(0);
  });

  test('a chunk store that is full: quota-exceeded', () => {
    const sim = new Simulation(newRecord(['/f']), server({'/f': bytes(5000)}));
    sim.storeFull = true;
    sim.run({type: 'start'});
    expect(sim.state.record.failureReason).toBe('quota-exceeded');
  });

  test('a record that cannot be saved for quota fails the job; another save error only logs', () => {
    const state = createDownloadState(newRecord(['/f']), SETTINGS, false);
    const env = {now: 0, online: true, random: () => 0.5};
    step(state, {type: 'start'}, env);
    const logged = step(state, {type: 'saveFailed', quota: false}, env);
    expect(state.record.state).toBe('running');
    expect(logged.commands.some((command) => command.type === 'log')).toBe(true);
    const failed = step(state, {type: 'saveFailed', quota: 'full'}, env);
    expect(state.record.failureReason).toBe('quota-exceeded');
    expect(failed.commands.map((command) => command.type)).toContain('cancel');
  });
});

describe('download core: a browser whose count of the storage is impossible', () => {
  // Firefox, killed during a large write, counted the origin's usage below
  // zero (2^64 minus the write) and refused every write until it restarted.
  test('refused chunk writes and saves neither fail the job nor count as attempts: it tries again after maxDelay, then twice as long each time, and goes on once the writes are taken', () => {
    const source = bytes(5000);
    const sim = new Simulation(newRecord(['/f']), server({'/f': source}), {holdSettlement: true});
    sim.miscounted = true;
    const {maxDelay} = SETTINGS.retry;
    const asked: number[] = [];
    sim.onCommand = (command) => {
      if (command.type === 'fetch') {
        asked.push(sim.now);
      }
    };
    sim.run({type: 'start'}, {until: 64 * maxDelay});
    expect(sim.state.record.state).toBe('running');
    expect(sim.state.record.failureReason).toBe('');
    expect(sim.state.files[0].stored.attempts).toBe(0);
    expect(sim.settlements).toEqual([]);
    // At the start, then after 1, 2, 4, 8, 16, 16… × maxDelay.
    const waits = asked.slice(1).map((at, index) => (at - asked[index]) / maxDelay);
    expect(waits.slice(0, 6)).toEqual([1, 2, 4, 8, 16, 16]);
    expect(sim.commands.filter((command) => command.type === 'deleteGeneration')).toEqual([]);
    sim.miscounted = false;
    sim.settle();
    expect(sim.state.record.state).toBe('succeeded');
    expectBytes(sim.fileBytes(0), source);
    sim.release();
  });

  test('a refused save only warns, naming the cause and that the job is kept', () => {
    const state = createDownloadState(newRecord(['/f']), SETTINGS, false);
    const env = {now: 0, online: true, random: () => 0.5};
    step(state, {type: 'start'}, env);
    const {commands} = step(state, {type: 'saveFailed', quota: 'miscounted'}, env);
    expect(state.record.state).toBe('running');
    expect(commands).toContainEqual({
      type: 'log',
      level: 'warn',
      message: expect.stringContaining('its count of the storage used is impossible'),
    });
    expect(commands.map((command) => command.type)).not.toContain('cancel');
  });
});

describe('download core: control', () => {
  test('abort cuts the requests; the job settles as aborted once they ended; a second abort is refused', () => {
    const sim = new Simulation(newRecord(['/f']), () => ({stall: true}));
    sim.send({type: 'start'});
    expect(sim.state.requests).toHaveLength(1);
    expect(sim.send({type: 'abort'})).toBe(true);
    expect(sim.commandsOf('cancel')).toHaveLength(1);
    sim.settle();
    expect(sim.state.record.state).toBe('aborted');
    expect(sim.state.record.failureReason).toBe('aborted');
    expect(sim.settlements).toEqual(['abort']);
    expect(sim.state.files[0].stored.attempts).toBe(0);
    expect(sim.send({type: 'abort'})).toBe(false);
  });

  test('pause cuts the requests and keeps the bytes; resume goes on from them', () => {
    const file = bytes(1024 * KiB);
    let stall = true;
    const sim = new Simulation(
      newRecord(['/f']),
      server({'/f': file}, (seen) => (stall && !isFirstChunk(seen) ? {stall: true} : undefined)),
    );
    sim.send({type: 'start'});
    expect(sim.send({type: 'pause'})).toBe(true);
    sim.settle();
    expect(sim.state.record.state).toBe('paused');
    expect(sim.state.requests).toHaveLength(0);
    expect(sim.settlements).toEqual([]);
    expect(jobSnapshot(sim.state).paused).toBe(true);
    const kept = sim.state.files[0].stored.chunks.length;
    expect(kept).toBeGreaterThan(0);
    expect(sim.send({type: 'pause'})).toBe(false);
    stall = false;
    expect(sim.run({type: 'resume'})).toBe(true);
    expect(sim.state.record.state).toBe('succeeded');
    expect(sim.send({type: 'resume'})).toBe(false);
  });

  test('a paused job can be aborted; it settles at once when nothing is in flight', () => {
    const sim = new Simulation(newRecord(['/f']), () => ({stall: true}));
    sim.send({type: 'start'});
    sim.send({type: 'pause'});
    sim.settle();
    sim.run({type: 'abort'});
    expect(sim.settlements).toEqual(['abort']);
  });

  test('discard (the worker was unregistered): requests are cut, no event, then chunks and record are purged; a second discard is refused', () => {
    const file = bytes(1024 * KiB);
    const sim = new Simulation(
      newRecord(['/f']),
      server({'/f': file}, (seen) => (isFirstChunk(seen) ? undefined : {stall: true})),
    );
    sim.send({type: 'start'});
    expect(sim.chunks.size).toBeGreaterThan(0);
    expect(sim.state.requests.length).toBeGreaterThan(0);
    // The core alone: nothing is purged while a request is in flight (its
    // chunk write could land after the purge).
    const inFlight = sim.state.requests.length;
    const env = {now: sim.now, online: true, random: Math.random};
    const discarded = step(structuredClone(sim.state), {type: 'discard'}, env);
    expect(discarded.accepted).toBe(true);
    expect(discarded.commands.filter((command) => command.type === 'cancel')).toHaveLength(
      inFlight,
    );
    expect(discarded.commands.map((command) => command.type)).not.toContain('purge');
    expect(discarded.commands.map((command) => command.type)).not.toContain('settle');
    // The driver: once the cut requests ended, the job is purged without an event.
    expect(sim.send({type: 'discard'})).toBe(true);
    sim.settle();
    expect(sim.settlements).toEqual([]);
    expect(sim.state.record.state).toBe('aborted');
    expect(sim.state.settlement).toBe('gone');
    expect(sim.forgotten).toBe(true);
    expect(sim.chunks.size).toBe(0);
    expect(sim.send({type: 'discard'})).toBe(false);
  });

  test('an event about a request that ended is refused', () => {
    const state = createDownloadState(newRecord(['/f']), SETTINGS, false);
    const result = step(
      state,
      {type: 'bytes', request: 42, count: 1},
      {now: 0, online: true, random: Math.random},
    );
    expect(result).toEqual({accepted: false, commands: []});
  });
});

describe('download core: worker restarts', () => {
  test('a loaded job checks its chunks; lost ones are fetched again and a done file is pending again', () => {
    const file = bytes(600 * KiB);
    const record = newRecord(['/f']);
    record.state = 'running';
    Object.assign(record.files[0], {
      status: 'done',
      head: {status: 200, statusText: '', headers: []},
      total: file.length,
      ranges: true,
      etag: '"v1"',
      chunks: [
        {start: 0, end: 300 * KiB},
        {start: 300 * KiB, end: file.length},
      ],
    });
    const sim = new Simulation(record, server({'/f': file}), {resumed: true});
    sim.chunks.set('uid1/0/0/0', file.subarray(0, 300 * KiB));
    sim.send({type: 'start'});
    // At the start, then before the success (a chunk was stored since).
    expect(sim.commandsOf('checkChunks')).toHaveLength(2);
    const types = sim.commands.map((c) => c.type);
    expect(types.indexOf('checkChunks')).toBeLessThan(types.indexOf('fetch'));
    sim.settle();
    expect(sim.seen[0].headers.Range).toMatch(new RegExp(`^bytes=${300 * KiB}-`));
    expect(sim.seen.every((seen) => seen.headers.Range !== undefined)).toBe(true);
    expect(sim.state.record.state).toBe('succeeded');
  });

  test('chunks deleted while the job ran (an app clearing every cache): the check before the success finds them gone, they are fetched again, the job succeeds whole', () => {
    const file = bytes(1024 * KiB);
    let wiped = false;
    const sim = new Simulation(newRecord(['/f']), server({'/f': file}), {holdSettlement: true});
    sim.onCommand = (command) => {
      if (command.type === 'checkChunks' && !wiped) {
        wiped = true;
        sim.chunks.clear();
      }
    };
    sim.run({type: 'start'});
    expect(wiped).toBe(true);
    expect(sim.commandsOf('checkChunks')).toHaveLength(2);
    expect(sim.state.record.state).toBe('succeeded');
    expectBytes(sim.fileBytes(0), file);
    // Every byte asked twice: once before the loss, once after.
    const asked = sim.seen.length;
    expect(asked).toBeGreaterThan(2);
  });

  test('a loaded POST that was sent and not answered fails (it is never sent twice)', () => {
    const record = newRecord(['/p'], 0, 'POST');
    record.state = 'running';
    record.files[0].sent = true;
    const sim = new Simulation(record, () => ({status: 200}), {resumed: true});
    sim.run({type: 'start'});
    expect(sim.seen).toHaveLength(0);
    expect(sim.state.record.failureReason).toBe('fetch-error');
  });

  test('a loaded job that ended before the restart settles; one already settled is only purged', () => {
    const ended = newRecord(['/f']);
    ended.state = 'failed';
    ended.failureReason = 'fetch-error';
    const sim = new Simulation(ended, () => ({network: true}), {resumed: true});
    sim.run({type: 'start'});
    expect(sim.settlements).toEqual(['fail']);
    expect(sim.forgotten).toBe(true);

    const settled = {...newRecord(['/f']), state: 'succeeded' as const, settled: true};
    const purged = new Simulation(settled, () => ({network: true}), {resumed: true});
    purged.run({type: 'start'});
    expect(purged.settlements).toEqual([]);
    expect(purged.commandsOf('purge')).toHaveLength(1);
    expect(purged.state.settlement).toBe('gone');
  });

  test('a loaded paused job stays paused, and checks its chunks when resumed', () => {
    const record = newRecord(['/f']);
    record.state = 'paused';
    const sim = new Simulation(record, server({'/f': bytes(100)}), {resumed: true});
    sim.run({type: 'start'});
    expect(sim.commandsOf('checkChunks')).toHaveLength(0);
    const before = sim.commands.length;
    sim.run({type: 'resume'});
    // When resumed, then before the success (the file was stored since).
    const after = sim.commands.slice(before).map((c) => c.type);
    expect(after.indexOf('checkChunks')).toBeLessThan(after.indexOf('fetch'));
    expect(sim.commandsOf('checkChunks')).toHaveLength(2);
    expect(sim.state.record.state).toBe('succeeded');
  });
});

describe('download core: single events', () => {
  const env = (now = 0) => ({now, online: true, random: () => 0.5});
  const full = (length: number, extra: Record<string, string> = {}) => {
    const headers: Array<[string, string]> = [
      ['content-length', String(length)],
      ['accept-ranges', 'bytes'],
      ...Object.entries(extra),
    ];
    return {
      status: 200,
      ok: true,
      head: {status: 200, statusText: '', headers},
      validators: {etag: extra.etag ?? null, lastModified: null},
      contentRange: null,
      contentLength: length,
      fullLength: length,
      acceptsRanges: true,
      crossOrigin: false,
    };
  };

  function started(urls = ['/f']) {
    const state = createDownloadState(newRecord(urls), SETTINGS, false);
    step(state, {type: 'start'}, env());
    return state;
  }

  test('throughput is measured from requests of 64 KiB or more and sizes the next chunks', () => {
    const state = started();
    step(state, {type: 'response', request: 1, response: full(8 * 1024 * KiB)}, env());
    step(state, {type: 'roomChecked', request: 1, ok: true}, env());
    step(state, {type: 'bodyRead', request: 1, received: 512 * KiB}, env(500));
    expect(state.rate).toBe(1024 * KiB);
    step(state, {type: 'requestEnded', request: 1}, env(500));
    const second = state.requests.find((request) => request.id === 2)!;
    step(state, {type: 'bodyRead', request: second.id, received: 256 * KiB}, env(1000));
    expect(state.rate).toBeLessThan(1024 * KiB);
  });

  /** A 206 for `[start, end)` of a file of `total` bytes. */
  const partial = (start: number, end: number, total: number) => ({
    status: 206,
    ok: true,
    head: {status: 206, statusText: '', headers: [] as Array<[string, string]>},
    validators: {etag: null, lastModified: null},
    contentRange: `bytes ${start}-${end - 1}/${total}`,
    contentLength: end - start,
    fullLength: end - start,
    acceptsRanges: true,
    crossOrigin: false,
  });

  /** A started job of one 8 MiB file whose first response was read: request 2 is a Range request in flight. */
  function rangesFlowing() {
    const state = started();
    step(state, {type: 'response', request: 1, response: full(8 * 1024 * KiB)}, env());
    step(state, {type: 'roomChecked', request: 1, ok: true}, env());
    const second = state.requests.find((request) => request.id === 2)!;
    step(
      state,
      {
        type: 'response',
        request: 2,
        response: partial(second.range.start, second.range.end!, 8 * 1024 * KiB),
      },
      env(),
    );
    return {state, second};
  }

  test('a Range body in memory leaves the link: the next request starts while it is stored, at most maxInFlight bodies wait for their write', () => {
    const {state, second} = rangesFlowing();
    const {commands} = step(
      state,
      {type: 'bodyReceived', request: second.id, received: 256 * KiB},
      env(),
    );
    expect(commands.filter((command) => command.type === 'fetch')).toHaveLength(1);
    expect(state.requests.map((request) => request.id)).toContain(second.id);
    const third = state.requests.find((request) => request.id === 3)!;
    expect(third.range.start).toBe(second.range.end);
    step(
      state,
      {
        type: 'response',
        request: 3,
        response: partial(third.range.start, third.range.end!, 8 * 1024 * KiB),
      },
      env(),
    );
    expect(state.files[0].stored.generation).toBe(0);
    step(state, {type: 'bodyReceived', request: 3, received: 256 * KiB}, env());
    // Requests 2 and 3 wait for their write; 1 and 4 receive.
    expect(state.requests.map((request) => request.id)).toEqual([1, 2, 3, 4]);
    const fourth = state.requests[3];
    step(
      state,
      {
        type: 'response',
        request: 4,
        response: partial(fourth.range.start, fourth.range.end!, 8 * 1024 * KiB),
      },
      env(),
    );
    const full4 = step(state, {type: 'bodyReceived', request: 4, received: 256 * KiB}, env());
    // 2 × maxInFlight requests at most: no fifth until a write ends.
    expect(full4.commands.filter((command) => command.type === 'fetch')).toHaveLength(0);
    step(state, {type: 'bodyRead', request: 2, received: 256 * KiB}, env());
    const ended = step(state, {type: 'requestEnded', request: 2}, env());
    expect(ended.commands.filter((command) => command.type === 'fetch')).toHaveLength(1);
  });

  test('a 503 to a request while another of the job is open: the server limits connections, and the job keeps one request in flight from then on', () => {
    const state = started();
    step(state, {type: 'response', request: 1, response: full(8 * 1024 * KiB)}, env());
    step(state, {type: 'roomChecked', request: 1, ok: true}, env());
    expect(state.requests.map((request) => request.id)).toEqual([1, 2]);
    const second = state.requests[1];
    const refused = step(
      state,
      {
        type: 'response',
        request: 2,
        response: {
          ...partial(second.range.start, second.range.end!, 8 * 1024 * KiB),
          status: 503,
          ok: false,
          contentRange: null,
        },
      },
      env(),
    );
    expect(state.inFlightCap).toBe(1);
    // Kept in the record: a worker restart keeps one request in flight.
    expect(state.record.inFlightCap).toBe(1);
    expect(createDownloadState(state.record, SETTINGS, true).inFlightCap).toBe(1);
    expect(
      refused.commands.some(
        (command) => command.type === 'log' && command.message.includes('limits connections'),
      ),
    ).toBe(true);
    step(state, {type: 'requestEnded', request: 2}, env());
    // Long after the backoff, request 1 still receiving: no second request.
    const later = step(state, {type: 'tick'}, env(60_000));
    expect(later.commands.filter((command) => command.type === 'fetch')).toHaveLength(0);
    // Its body in memory: the next request starts, the refused range first.
    const next = step(state, {type: 'bodyReceived', request: 1, received: 256 * KiB}, env(60_000));
    expect(next.commands.filter((command) => command.type === 'fetch')).toHaveLength(1);
    expect(state.requests.at(-1)!.range.start).toBe(second.range.start);
  });

  test('a response from another origin (a redirect to a CDN) is remembered in the record: If-Range is no longer sent', () => {
    const state = started();
    step(
      state,
      {type: 'response', request: 1, response: {...full(8 * 1024 * KiB), crossOrigin: true}},
      env(),
    );
    expect(state.files[0].stored.crossOrigin).toBe(true);
    // The flag is in the persisted record: a worker restart keeps it.
    expect(state.record.files[0].crossOrigin).toBe(true);
    const same = started();
    step(same, {type: 'response', request: 1, response: full(8 * 1024 * KiB)}, env());
    expect(same.files[0].stored.crossOrigin).toBeUndefined();
  });

  test('a request shorter than 100 ms sets no rate: the next request is twice as long', () => {
    const fast = createDownloadState(
      newRecord(['/f']),
      {...SETTINGS, chunkSize: 8192 * KiB},
      false,
    );
    step(fast, {type: 'start'}, env());
    step(fast, {type: 'response', request: 1, response: full(64 * 1024 * KiB)}, env());
    step(fast, {type: 'roomChecked', request: 1, ok: true}, env());
    const probe = fast.requests.find((request) => request.id === 2)!;
    expect(probe.range.end! - probe.range.start).toBe(1024 * KiB);
    step(fast, {type: 'bodyReceived', request: 2, received: 1024 * KiB}, env(99));
    expect(fast.rate).toBeNull();
    expect(fast.record.rate).toBeUndefined();
    const next = fast.requests.find((request) => request.id === 3)!;
    expect(next.range.end! - next.range.start).toBe(2048 * KiB);
  });

  test('the measured rate is kept in the record and sizes the requests after a worker restart; a record without it loads', () => {
    const state = createDownloadState(
      newRecord(['/f']),
      {...SETTINGS, chunkSize: 64 * 1024 * KiB},
      false,
    );
    step(state, {type: 'start'}, env());
    step(state, {type: 'response', request: 1, response: full(256 * 1024 * KiB)}, env());
    step(state, {type: 'roomChecked', request: 1, ok: true}, env());
    step(state, {type: 'bodyReceived', request: 2, received: 1024 * KiB}, env(250));
    expect(state.record.rate).toBe(4 * 1024 * KiB);
    const restarted = createDownloadState(
      structuredClone(state.record),
      {...SETTINGS, chunkSize: 64 * 1024 * KiB},
      false,
    );
    expect(restarted.rate).toBe(4 * 1024 * KiB);
    const old = newRecord(['/f']);
    expect('rate' in old).toBe(false);
    expect(createDownloadState(old, SETTINGS, false).rate).toBeNull();
  });

  test('Range chunks are read whole on a fast link and as a stream of parts below STREAM_BELOW, where a fault loses less', () => {
    /** The read mode of the first Range chunk of a job whose link was measured at `rate` bytes/s (before a worker restart). */
    const modeAt = (rate: number) => {
      const record = newRecord(['/f']);
      record.rate = rate;
      const state = createDownloadState(record, {...SETTINGS, chunkSize: 256 * 1024 * KiB}, false);
      step(state, {type: 'start'}, env());
      step(state, {type: 'response', request: 1, response: full(1024 * 1024 * KiB)}, env());
      step(state, {type: 'roomChecked', request: 1, ok: true}, env());
      const chunk = state.requests.find((request) => request.id === 2)!;
      const {start, end} = chunk.range;
      step(
        state,
        {type: 'response', request: 2, response: partial(start, end!, 1024 * 1024 * KiB)},
        env(),
      );
      expect(chunk.readLimit).toBe(end! - start);
      return {mode: chunk.readMode, parts: readInParts(state.rate)};
    };
    expect(modeAt(STREAM_BELOW * 2)).toEqual({mode: 'whole', parts: false});
    expect(modeAt(STREAM_BELOW / 2)).toEqual({mode: 'stream', parts: true});
  });

  test('a response that arrives after its request stalled is discarded and counts as a network failure', () => {
    const state = started();
    const stalled = step(state, {type: 'stalled', request: 1}, env(1500));
    expect(stalled.commands).toContainEqual({type: 'cancel', request: 1});
    const late = step(state, {type: 'response', request: 1, response: full(10)}, env(1501));
    expect(late.commands).toContainEqual({type: 'cancelBody', request: 1});
    expect(state.files[0].stored.attempts).toBe(1);
    expect(state.files[0].retryAt).toBeGreaterThan(1501);
  });

  test('a response to a request cut by a pause is discarded, and the failure of its read is no attempt', () => {
    const state = started();
    step(state, {type: 'pause'}, env());
    const late = step(state, {type: 'response', request: 1, response: full(10)}, env());
    expect(late.commands).toEqual([{type: 'cancelBody', request: 1}]);
    step(state, {type: 'requestFailed', request: 1, quota: false}, env());
    expect(state.files[0].stored.attempts).toBe(0);
  });

  test('a 206 tells the length of a file that did not announce it', () => {
    const record = newRecord(['/f']);
    record.state = 'running';
    Object.assign(record.files[0], {
      head: {status: 200, statusText: '', headers: []},
      total: null,
      etag: '"v1"',
      chunks: [{start: 0, end: 100}],
    });
    const state = createDownloadState(record, SETTINGS, false);
    const {commands} = step(state, {type: 'start'}, env());
    expect(commands).toContainEqual({
      type: 'fetch',
      request: 1,
      resume: {etag: '"v1"', lastModified: null},
      afterSave: false,
    });
    expect(state.requests[0].range).toEqual({start: 100, end: null});
    step(
      state,
      {
        type: 'response',
        request: 1,
        response: {
          ...full(100),
          status: 206,
          contentRange: 'bytes 100-199/200',
          validators: {etag: '"v1"', lastModified: null},
        },
      },
      env(),
    );
    expect(state.files[0].stored.total).toBe(200);
    expect(state.files[0].stored.ranges).toBe(true);
    expect(state.requests[0].readMode).toBe('stream');
  });

  test('a 200 of a new version to a resume of a file that changed three times fails it', () => {
    const record = newRecord(['/f']);
    record.state = 'running';
    Object.assign(record.files[0], {
      head: {status: 200, statusText: '', headers: []},
      total: 1000,
      ranges: true,
      etag: '"v1"',
      changes: 3,
      chunks: [{start: 0, end: 100}],
    });
    const state = createDownloadState(record, SETTINGS, false);
    step(state, {type: 'start'}, env());
    step(state, {type: 'response', request: 1, response: full(1000, {etag: '"v5"'})}, env());
    expect(state.files[0].stored.status).toBe('failed');
    expect(state.record.failureReason).toBe('fetch-error');
  });

  test('snapshots: upload and download totals, the result and the paused flag as pages see them', () => {
    const record = newRecord(['/a', '/b'], 0, 'POST');
    record.files[0].request.body = new ArrayBuffer(10);
    record.files[0].sent = true;
    record.files[1].request.body = new ArrayBuffer(5);
    const state = createDownloadState(record, SETTINGS, false);
    expect(jobSnapshot(state)).toMatchObject({
      uploadTotal: 15,
      uploaded: 10,
      result: '',
      paused: false,
    });
    expect(expectedTotal(state)).toBeNull();
    state.files[0].stored.total = 100;
    state.files[1].stored.total = 50;
    expect(expectedTotal(state)).toBe(150);
    record.options.downloadTotal = 1000;
    expect(expectedTotal(state)).toBe(1000);
    record.state = 'failed';
    record.failureReason = 'bad-status';
    expect(jobSnapshot(state)).toMatchObject({
      result: 'failure',
      failureReason: 'bad-status',
      downloadTotal: 1000,
    });
    record.state = 'aborted';
    expect(jobSnapshot(state).failureReason).toBe('aborted');
  });
});
