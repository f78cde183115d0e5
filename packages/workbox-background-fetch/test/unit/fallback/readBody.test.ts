import {readBody} from '../../../src/lib/fallback/readBody';

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

async function run(response: Response, limit: number | null, commitEvery: number) {
  const parts: Array<[number, string]> = [];
  let bytes = 0;
  const read = await readBody(response, {
    limit,
    commitEvery,
    commit: async (offset, part) => void parts.push([offset, await part.text()]),
    onBytes: (count) => {
      bytes += count;
    },
    signal: new AbortController().signal,
  });
  return {read, parts, bytes};
}

describe('reading a body as a stream (unknown length, no ranges)', () => {
  test('is stored in parts of at least commitEvery bytes, at their offsets', async () => {
    const {read, parts, bytes} = await run(streamed(['ab', 'cd', 'ef', 'g']), null, 4);
    expect(read).toBe(7);
    expect(bytes).toBe(7);
    expect(parts).toEqual([
      [0, 'abcd'],
      [4, 'efg'],
    ]);
  });

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
        commit: async (offset, part) => void parts.push([offset, await part.text()]),
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
      commit: async (offset, part) => void parts.push([offset, await part.text()]),
      onBytes: () => controller.abort(),
      signal: controller.signal,
    });
    await expect(reading).rejects.toMatchObject({name: 'AbortError'});
    expect(parts).toEqual([[0, 'abc']]);
  });

  test('an empty body reads nothing', async () => {
    expect((await run(new Response(null), null, 4)).read).toBe(0);
  });
});
