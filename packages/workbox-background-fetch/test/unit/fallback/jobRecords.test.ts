import {createDownloadState} from '../../../src/lib/fallback/downloadState';
import {isFinal, readRecords} from '../../../src/lib/fallback/jobRecords';
import {SETTINGS, newRecord} from './simulateDownload';
import type {ChunkStore} from '../../../src/lib/fallback/ChunkStore';
import type {DownloadState} from '../../../src/lib/fallback/downloadState';

const URL_A = 'https://example.test/a';
const URL_B = 'https://example.test/b';

function fakeStore(entries: Record<string, Blob>): ChunkStore {
  return {
    get: async (key: string) => entries[key],
    put: async () => undefined,
    has: async (key: string) => key in entries,
    deletePrefix: async () => undefined,
  } as unknown as ChunkStore;
}

function source(state: DownloadState, store: ChunkStore, release?: Promise<void>) {
  return {
    state,
    store,
    whenFinal: async (index: number) => {
      if (!isFinal(state, index)) {
        await release;
      }
    },
  };
}

describe('records of a fallback job (matchAll)', () => {
  test('a done file is its stored chunks, in order, under its response head', async () => {
    const state = createDownloadState(newRecord([URL_A]), SETTINGS, false);
    state.record.state = 'running';
    Object.assign(state.files[0].stored, {
      status: 'done',
      head: {status: 200, statusText: 'OK', headers: [['content-type', 'text/plain']]},
      total: 6,
      chunks: [
        {start: 3, end: 6},
        {start: 0, end: 3},
      ],
    });
    const store = fakeStore({'uid1/0/0/0': new Blob(['abc']), 'uid1/0/0/3': new Blob(['def'])});
    const [record] = await readRecords(source(state, store));
    expect(record.request.url).toBe(URL_A);
    const response = await record.responseReady;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('abcdef');
  });

  test('a request filters the records; a failed file rejects with TypeError, an aborted job with AbortError', async () => {
    const state = createDownloadState(newRecord([URL_A, URL_B]), SETTINGS, false);
    state.record.state = 'failed';
    state.files[1].stored.status = 'failed';
    const records = await readRecords(source(state, fakeStore({})), URL_B);
    expect(records.map((record) => record.request.url)).toEqual([URL_B]);
    await expect(records[0].responseReady).rejects.toMatchObject({name: 'TypeError'});
    state.record.state = 'aborted';
    const [aborted] = await readRecords(source(state, fakeStore({})), URL_A);
    await expect(aborted.responseReady).rejects.toMatchObject({name: 'AbortError'});
  });

  test('a chunk the browser lost makes the record fail rather than answer with missing bytes', async () => {
    const state = createDownloadState(newRecord([URL_A]), SETTINGS, false);
    state.record.state = 'succeeded';
    Object.assign(state.files[0].stored, {
      status: 'done',
      head: {status: 200, statusText: 'OK', headers: []},
      total: 3,
      chunks: [{start: 0, end: 3}],
    });
    const [record] = await readRecords(source(state, fakeStore({})));
    await expect(record.responseReady).rejects.toMatchObject({name: 'TypeError'});
  });

  test('once the settlement ran, matchAll() rejects with InvalidStateError', async () => {
    const state = createDownloadState(newRecord([URL_A]), SETTINGS, false);
    state.recordsAvailable = false;
    await expect(readRecords(source(state, fakeStore({})))).rejects.toMatchObject({
      name: 'InvalidStateError',
    });
  });

  test('the record of a file still downloading is handed out at once; its response waits for the file', async () => {
    const state = createDownloadState(newRecord([URL_A]), SETTINGS, false);
    state.record.state = 'running';
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const [record] = await readRecords(source(state, fakeStore({}), released));
    let settled = false;
    record.responseReady.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    state.files[0].stored.status = 'failed';
    release();
    await expect(record.responseReady).rejects.toMatchObject({name: 'TypeError'});
  });
});
