import {
  FIRST_CHUNK,
  MIN_CHUNK,
  chunkLength,
  contiguousEnd,
  isComplete,
  nextRange,
  storedBytes,
} from '../../../src/lib/fallback/planChunks';
import type {FilePlanState} from '../../../src/lib/fallback/planChunks';

const MiB = 1024 * 1024;

function state(overrides: Partial<FilePlanState>): FilePlanState {
  return {started: true, total: 10 * MiB, ranges: true, chunks: [], inFlight: [], ...overrides};
}

describe('chunk planning', () => {
  test('a file never answered gets one request for everything (it will carry no Range)', () => {
    expect(nextRange(state({started: false, total: null, ranges: false}), MiB)).toEqual({
      start: 0,
      end: null,
    });
  });

  test('while that first request is in flight, nothing else is asked of the file', () => {
    expect(
      nextRange(state({started: false, total: null, inFlight: [{start: 0, end: null}]}), MiB),
    ).toBeNull();
  });

  test('with a known length and ranges, the first gap is requested, at most one chunk long', () => {
    expect(nextRange(state({}), MiB)).toEqual({start: 0, end: MiB});
    expect(nextRange(state({chunks: [{start: 0, end: MiB}]}), MiB)).toEqual({
      start: MiB,
      end: 2 * MiB,
    });
  });

  test('two requests in flight ask for different chunks', () => {
    const first = nextRange(state({chunks: [{start: 0, end: MiB}]}), MiB)!;
    const second = nextRange(state({chunks: [{start: 0, end: MiB}], inFlight: [first]}), MiB);
    expect(second).toEqual({start: 2 * MiB, end: 3 * MiB});
  });

  test('a gap left by a short chunk is filled, never overlapping stored bytes', () => {
    const plan = nextRange(
      state({
        chunks: [
          {start: 0, end: 100},
          {start: 150, end: 4 * MiB},
        ],
      }),
      MiB,
    );
    expect(plan).toEqual({start: 100, end: 150});
  });

  test('the last chunk ends at the end of the file', () => {
    expect(nextRange(state({total: MiB + 10, chunks: [{start: 0, end: MiB}]}), MiB)).toEqual({
      start: MiB,
      end: MiB + 10,
    });
  });

  test('nothing is planned once every byte is stored or in flight', () => {
    expect(nextRange(state({total: 2 * MiB, chunks: [{start: 0, end: 2 * MiB}]}), MiB)).toBeNull();
    expect(
      nextRange(
        state({
          total: 2 * MiB,
          chunks: [{start: 0, end: MiB}],
          inFlight: [{start: MiB, end: 2 * MiB}],
        }),
        MiB,
      ),
    ).toBeNull();
  });

  test('an unknown length is streamed to the end with one open-ended request from the stored bytes', () => {
    expect(nextRange(state({total: null, chunks: [{start: 0, end: 500}]}), MiB)).toEqual({
      start: 500,
      end: null,
    });
    expect(nextRange(state({total: null, inFlight: [{start: 0, end: null}]}), MiB)).toBeNull();
  });

  test('a server without ranges gets one stream too', () => {
    expect(nextRange(state({ranges: false, chunks: [{start: 0, end: 500}]}), MiB)).toEqual({
      start: 500,
      end: null,
    });
  });

  test('an open-ended request in flight blocks chunk requests of its file', () => {
    expect(nextRange(state({inFlight: [{start: 0, end: null}]}), MiB)).toBeNull();
  });

  test('a file is complete when its chunks cover every byte of a known length', () => {
    expect(
      isComplete({
        total: 10,
        chunks: [
          {start: 5, end: 10},
          {start: 0, end: 5},
        ],
      }),
    ).toBe(true);
    expect(
      isComplete({
        total: 10,
        chunks: [
          {start: 0, end: 4},
          {start: 5, end: 10},
        ],
      }),
    ).toBe(false);
    expect(isComplete({total: null, chunks: [{start: 0, end: 10}]})).toBe(false);
    expect(isComplete({total: 0, chunks: []})).toBe(true);
  });

  test('stored bytes and the contiguous end are counted from the chunks', () => {
    const chunks = [
      {start: 10, end: 20},
      {start: 0, end: 10},
      {start: 30, end: 35},
    ];
    expect(storedBytes(chunks)).toBe(25);
    expect(contiguousEnd(chunks)).toBe(20);
    expect(contiguousEnd([{start: 5, end: 10}])).toBe(0);
  });
});

describe('chunk length (configurable chunk size, sized by throughput)', () => {
  test('before any measurement a chunk is small, so progress starts quickly', () => {
    expect(chunkLength(null, 64 * MiB)).toBe(FIRST_CHUNK);
  });

  test('a chunk lasts about half a second at the measured throughput', () => {
    expect(chunkLength(8 * MiB, 64 * MiB)).toBe(4 * MiB);
  });

  test('chunkSize caps it', () => {
    expect(chunkLength(500 * MiB, 64 * MiB)).toBe(64 * MiB);
    expect(chunkLength(null, 256 * 1024)).toBe(256 * 1024);
  });

  test('slow links do not go below the minimum chunk', () => {
    expect(chunkLength(1000, 64 * MiB)).toBe(MIN_CHUNK);
  });
});
