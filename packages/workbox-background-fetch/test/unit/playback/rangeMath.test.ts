import {answerableRange, coveringSlices, parseRange} from '../../../src/lib/playback/rangeMath';

describe('the bytes a Range header asks for (RFC 9110 §14.1.2)', () => {
  test('bytes=a-b is [a, b+1), its end clamped to the file', () => {
    expect(parseRange('bytes=100-199', 1000)).toEqual({start: 100, end: 200});
    expect(parseRange('bytes=900-5000', 1000)).toEqual({start: 900, end: 1000});
    expect(parseRange('bytes=0-0', 1)).toEqual({start: 0, end: 1});
  });

  test('bytes=a- runs to the end of the file', () => {
    expect(parseRange('bytes=0-', 1000)).toEqual({start: 0, end: 1000, openEnded: true});
    expect(parseRange('bytes=999-', 1000)).toEqual({start: 999, end: 1000, openEnded: true});
  });

  test('bytes=-n is the last n bytes (all of them when n is larger)', () => {
    expect(parseRange('bytes=-100', 1000)).toEqual({start: 900, end: 1000});
    expect(parseRange('bytes=-5000', 1000)).toEqual({start: 0, end: 1000});
  });

  test('the unit is case-insensitive and spaces are tolerated', () => {
    expect(parseRange(' Bytes = 10 - 19 ', 100)).toEqual({start: 10, end: 20});
  });

  test('what only the server can answer is null: past the end, backwards, several ranges, other units, empty suffix', () => {
    expect(parseRange('bytes=1000-', 1000)).toBeNull();
    expect(parseRange('bytes=20-10', 1000)).toBeNull();
    expect(parseRange('bytes=0-1,5-9', 1000)).toBeNull();
    expect(parseRange('items=0-9', 1000)).toBeNull();
    expect(parseRange('bytes=-0', 1000)).toBeNull();
    expect(parseRange('bytes=-', 1000)).toBeNull();
    expect(parseRange('bytes=0-9', 0)).toBeNull();
  });
});

describe('the stored chunks that hold a range', () => {
  const chunks = [
    {start: 300, end: 600},
    {start: 0, end: 300},
    {start: 800, end: 1000},
  ];

  test('a range inside one chunk is one slice at offsets within that chunk', () => {
    expect(coveringSlices(chunks, {start: 350, end: 400})).toEqual([
      {chunk: {start: 300, end: 600}, from: 50, to: 100},
    ]);
  });

  test('a range across chunks is one slice per chunk, in file order, whatever the stored order', () => {
    expect(coveringSlices(chunks, {start: 200, end: 500})).toEqual([
      {chunk: {start: 0, end: 300}, from: 200, to: 300},
      {chunk: {start: 300, end: 600}, from: 0, to: 200},
    ]);
  });

  test('a range that touches a gap, or goes past the stored bytes, is not covered', () => {
    expect(coveringSlices(chunks, {start: 500, end: 700})).toBeNull();
    expect(coveringSlices(chunks, {start: 650, end: 700})).toBeNull();
    expect(coveringSlices(chunks, {start: 900, end: 1100})).toBeNull();
    expect(coveringSlices([], {start: 0, end: 1})).toBeNull();
  });

  test('ranges ending exactly at a chunk boundary take nothing from the next chunk', () => {
    expect(coveringSlices(chunks, {start: 0, end: 300})).toEqual([
      {chunk: {start: 0, end: 300}, from: 0, to: 300},
    ]);
    expect(coveringSlices(chunks, {start: 800, end: 1000})).toEqual([
      {chunk: {start: 800, end: 1000}, from: 0, to: 200},
    ]);
  });
});

describe('the part of a range that storage answers', () => {
  const chunks = [
    {start: 0, end: 300},
    {start: 300, end: 600},
    {start: 800, end: 1000},
  ];

  test('a closed range is answered whole or not at all', () => {
    expect(answerableRange(chunks, {start: 100, end: 500})).toEqual({start: 100, end: 500});
    expect(answerableRange(chunks, {start: 100, end: 700})).toBeNull();
  });

  test('an open-ended range (bytes=a-, as media elements ask) gets the stored run from a', () => {
    expect(answerableRange(chunks, parseRange('bytes=0-', 1000)!)).toEqual({start: 0, end: 600});
    expect(answerableRange(chunks, parseRange('bytes=450-', 1000)!)).toEqual({
      start: 450,
      end: 600,
    });
    expect(answerableRange(chunks, parseRange('bytes=850-', 1000)!)).toEqual({
      start: 850,
      end: 1000,
    });
  });

  test('an open-ended range whose first byte is not stored goes to the network', () => {
    expect(answerableRange(chunks, parseRange('bytes=600-', 1000)!)).toBeNull();
    expect(answerableRange([], parseRange('bytes=0-', 1000)!)).toBeNull();
  });
});
