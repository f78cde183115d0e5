import {MIN_TIMED_PART, PART_MS, readBody} from '../../../src/lib/fallback/readBody';
import type {ChunkPart} from '../../../src/lib/fallback/ChunkStore';

/** The text of a part, a Blob or (with asBytes) an ArrayBuffer. */
function textOf(part: ChunkPart): Promise<string> | string {
  return part instanceof Blob ? part.text() : new TextDecoder().decode(part);
}

function streamed(pieces: string[], failAfter?: number): Response {
  let index = 0;
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (failAfter !== undefined && index === failAfter) {
          controller.error(new TypeError('network error'));
          return;
        }
        if (index === pieces.length) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(pieces[index++]));
      },
    }),
  );
}

async function run(response: Response, limit: number | null, commitEvery: number, asBytes = false) {
  const parts: Array<[number, string]> = [];
  const kinds = new Set<string>();
  let bytes = 0;
  const read = await readBody(response, {
    asBytes,
    limit,
    commitEvery,
    commit: async (offset, part) => {
      kinds.add(part.constructor.name);
      parts.push([offset, await textOf(part)]);
    },
    onBytes: (count) => {
      bytes += count;
    },
    signal: new AbortController().signal,
  });
  return {read, parts, bytes, kinds: [...kinds]};
}

describe('reading a body as a stream (unknown length, no ranges)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('is stored in parts of at least commitEvery bytes, at their offsets', async () => {
    const {read, parts, bytes} = await run(streamed(['ab', 'cd', 'ef', 'g']), null, 4);
    expect(read).toBe(7);
    expect(bytes).toBe(7);
    expect(parts).toEqual([
      [0, 'abcd'],
      [4, 'efg'],
    ]);
  });

  test.each([
    [false, 'Blob'],
    [true, 'ArrayBuffer'],
  ])(
    'with asBytes %s, the parts are %s: the same bytes at the same offsets',
    async (asBytes, kind) => {
      const {read, parts, kinds} = await run(streamed(['ab', 'cd', 'ef', 'g']), 6, 4, asBytes);
      expect(read).toBe(6);
      expect(parts).toEqual([
        [0, 'abcd'],
        [4, 'ef'],
      ]);
      expect(kinds).toEqual([kind]);
    },
  );

  test('stops at the limit, cutting the last piece', async () => {
    const {read, parts} = await run(streamed(['abc', 'def', 'ghi']), 5, 100);
    expect(read).toBe(5);
    expect(parts).toEqual([[0, 'abcde']]);
  });

  test('keeps the bytes that arrived before a network error, then rethrows it', async () => {
    const parts: Array<[number, string]> = [];
    await expect(
      readBody(streamed(['abc', 'de', 'fg'], 2), {
        limit: null,
        commitEvery: 100,
        commit: async (offset, part) => void parts.push([offset, await textOf(part)]),
        onBytes: () => undefined,
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow('network error');
    expect(parts).toEqual([[0, 'abcde']]);
  });

  test('an abort stops a read that would wait forever, keeping what arrived', async () => {
    const controller = new AbortController();
    const encoder = new TextEncoder();
    let sent = false;
    const stalled = new Response(
      new ReadableStream<Uint8Array>({
        pull(stream) {
          if (!sent) {
            sent = true;
            stream.enqueue(encoder.encode('abc'));
          }
          // Then nothing, ever: a stalled connection.
          return new Promise(() => undefined);
        },
      }),
    );
    const parts: Array<[number, string]> = [];
    const reading = readBody(stalled, {
      limit: null,
      commitEvery: 100,
      commit: async (offset, part) => void parts.push([offset, await textOf(part)]),
      onBytes: () => controller.abort(),
      signal: controller.signal,
    });
    await expect(reading).rejects.toMatchObject({name: 'AbortError'});
    expect(parts).toEqual([[0, 'abc']]);
  });

  test('a slow body is handed over every PART_MS once MIN_TIMED_PART bytes wait, so a stopped worker loses little', async () => {
    // Pieces of MIN_TIMED_PART / 2 arriving every PART_MS / 2 ms, by a fake clock.
    const piece = MIN_TIMED_PART / 2;
    jest.useFakeTimers({doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask']});
    let clock = 0;
    jest.setSystemTime(clock);
    let sent = 0;
    const body = new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 8) {
            controller.close();
            return;
          }
          clock += PART_MS / 2;
          jest.setSystemTime(clock);
          sent += 1;
          controller.enqueue(new Uint8Array(piece).fill(sent));
        },
      }),
    );
    const parts: Array<[number, number, number]> = [];
    const read = await readBody(body, {
      limit: null,
      commitEvery: 100 * MIN_TIMED_PART,
      commit: async (offset, part) => {
        const bytes = new Uint8Array(await new Blob([part]).arrayBuffer());
        parts.push([offset, bytes.byteLength, bytes[0]]);
      },
      onBytes: () => undefined,
      signal: new AbortController().signal,
    });
    expect(read).toBe(8 * piece);
    // Two pieces (PART_MS, MIN_TIMED_PART) per part, far below commitEvery, in order.
    expect(parts).toEqual([
      [0, 2 * piece, 1],
      [2 * piece, 2 * piece, 3],
      [4 * piece, 2 * piece, 5],
      [6 * piece, 2 * piece, 7],
    ]);
  });

  test('pieces smaller than MIN_TIMED_PART wait for more bytes however long they take', async () => {
    jest.useFakeTimers({doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask']});
    let clock = 0;
    jest.setSystemTime(clock);
    const encoder = new TextEncoder();
    const pieces = ['ab', 'cd', 'ef'];
    const body = new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          clock += 10 * PART_MS;
          jest.setSystemTime(clock);
          const next = pieces.shift();
          if (next === undefined) {
            controller.close();
          } else {
            controller.enqueue(encoder.encode(next));
          }
        },
      }),
    );
    const parts: Array<[number, string]> = [];
    await readBody(body, {
      limit: null,
      commitEvery: 4,
      commit: async (offset, part) => void parts.push([offset, await textOf(part)]),
      onBytes: () => undefined,
      signal: new AbortController().signal,
    });
    expect(parts).toEqual([
      [0, 'abcd'],
      [4, 'ef'],
    ]);
  });

  test('an empty body reads nothing', async () => {
    expect((await run(new Response(null), null, 4)).read).toBe(0);
  });
});
