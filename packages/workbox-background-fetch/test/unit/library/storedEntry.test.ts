import {
  entryKey,
  finishedEntry,
  newestFirst,
  pendingEntry,
  toDownloadEntry,
} from '../../../src/lib/library/storedEntry';

describe('download library entries', () => {
  test('a new job keeps its title and icons, nothing that cannot cross structured cloning', () => {
    const options = {
      title: 'Episode 5',
      icons: [{src: '/ep5.png', sizes: '96x96', extra: () => 1}, {nope: true}],
      downloadTotal: 10,
    };
    expect(pendingEntry('episodes', 'ep-5', options as never)).toEqual({
      kind: 'pending',
      queue: 'episodes',
      id: 'ep-5',
      title: 'Episode 5',
      icons: [{src: '/ep5.png', sizes: '96x96'}],
    });
    expect(pendingEntry('episodes', 'x', {})).toMatchObject({title: '', icons: []});
  });

  test('a finished entry takes the pending title and icons, or empty ones when there were none', () => {
    const records = [
      {url: 'https://a/x.mp3', cacheName: 'media', bytes: 10, contentType: 'audio/mpeg'},
    ];
    const pending = pendingEntry('q', 'ep', {title: 'T', icons: [{src: '/i.png'}]});
    expect(finishedEntry('q', 'ep', pending, records, 1234)).toEqual({
      kind: 'entry',
      queue: 'q',
      id: 'ep',
      title: 'T',
      icons: [{src: '/i.png'}],
      finishedAt: 1234,
      records,
    });
    expect(finishedEntry('q', 'ep', undefined, records, 1)).toMatchObject({title: '', icons: []});
  });

  test('bytes is the sum of the records, missing is true when any record is missing', () => {
    const stored = finishedEntry(
      'q',
      'ep',
      undefined,
      [
        {url: 'https://a/1', cacheName: 'c', bytes: 100, contentType: 'audio/mpeg'},
        {url: 'https://a/2', cacheName: 'c', bytes: 23, contentType: 'image/png'},
      ],
      5,
    );
    expect(toDownloadEntry(stored, [false, false])).toEqual({
      id: 'ep',
      title: '',
      icons: [],
      finishedAt: 5,
      bytes: 123,
      missing: false,
      records: [
        {url: 'https://a/1', cacheName: 'c', bytes: 100, contentType: 'audio/mpeg', missing: false},
        {url: 'https://a/2', cacheName: 'c', bytes: 23, contentType: 'image/png', missing: false},
      ],
    });
    const one = toDownloadEntry(stored, [false, true]);
    expect(one.missing).toBe(true);
    expect(one.records.map((r) => r.missing)).toEqual([false, true]);
  });

  test('entries list newest first, ties by id', () => {
    const list = [
      {id: 'b', finishedAt: 1},
      {id: 'c', finishedAt: 3},
      {id: 'a', finishedAt: 1},
    ];
    expect(list.sort(newestFirst).map(({id}) => id)).toEqual(['c', 'a', 'b']);
  });

  test('entries and pending entries of each queue have their own keys', () => {
    expect(entryKey('entry', 'q', 'x')).toEqual(['entry', 'q', 'x']);
    expect(entryKey('pending', 'q', 'x')).not.toEqual(entryKey('entry', 'q', 'x'));
  });
});
