import {createDownloadState} from '../../../src/lib/fallback/downloadState';
import {presentChunks} from '../../../src/lib/fallback/presentChunks';
import {SETTINGS, newRecord} from './simulateDownload';
import type {ChunkStore} from '../../../src/lib/fallback/ChunkStore';

/** A job of two files with three and two stored chunks (keys uid1/<file>/0/<start>). */
function twoFiles() {
  const record = newRecord(['/a', '/b']);
  record.files[0].chunks = [
    {start: 0, end: 10},
    {start: 10, end: 20},
    {start: 20, end: 30},
  ];
  record.files[1].chunks = [
    {start: 0, end: 5},
    {start: 5, end: 9},
  ];
  return createDownloadState(record, SETTINGS, false);
}

/** A chunk store holding `stored`, recording what it was asked. */
function storeWith(stored: string[], fail = false) {
  const asked: string[][] = [];
  const store = {
    present: async (keys: readonly string[]) => {
      asked.push([...keys]);
      if (fail) {
        throw new DOMException('The store did not answer.', 'TimeoutError');
      }
      return keys.map((key) => stored.includes(key));
    },
  } as unknown as ChunkStore;
  return {store, asked};
}

const ALL = ['uid1/0/0/0', 'uid1/0/0/10', 'uid1/0/0/20', 'uid1/1/0/0', 'uid1/1/0/5'];

describe('which stored chunks are still there', () => {
  test('after a worker start: every chunk is asked about, in one call', async () => {
    const {store, asked} = storeWith(ALL.filter((key) => key !== 'uid1/0/0/10'));
    expect(await presentChunks(twoFiles(), store)).toEqual([
      [true, false, true],
      [true, true],
    ]);
    expect(asked).toEqual([ALL]);
  });

  test('before a success: only the first stored chunk of each file, when they are there', async () => {
    const {store, asked} = storeWith(ALL);
    expect(await presentChunks(twoFiles(), store, true)).toEqual([
      [true, true, true],
      [true, true],
    ]);
    expect(asked).toEqual([['uid1/0/0/0', 'uid1/1/0/0']]);
  });

  test('before a success, a first chunk gone (the app deleted the cache): every chunk is asked about', async () => {
    // Deleted after the first two chunks of file 0 and the first of file 1 were stored.
    const {store, asked} = storeWith(['uid1/0/0/20', 'uid1/1/0/5']);
    expect(await presentChunks(twoFiles(), store, true)).toEqual([
      [false, false, true],
      [false, true],
    ]);
    expect(asked).toEqual([['uid1/0/0/0', 'uid1/1/0/0'], ALL]);
  });

  test('a store that does not answer: every chunk counts as missing', async () => {
    const {store} = storeWith(ALL, true);
    expect(await presentChunks(twoFiles(), store, true)).toEqual([
      [false, false, false],
      [false, false],
    ]);
  });
});
