import type {Reply} from '../protocol.js';
import {deserializeError} from './serialization.js';

/**
 * Posts `message` to `target` with a MessageChannel and resolves with the
 * value of its `Reply`, rejects with its error, or rejects with
 * `timeoutError()` after `timeoutMs` (the target may not run this library):
 * a typed error named `TimeoutError` that says who did not answer.
 *
 * @private
 */
export function askClient<T>(
  target: {postMessage(message: unknown, transfer: Transferable[]): void},
  message: unknown,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(timeoutError());
    }, timeoutMs);
    channel.port1.onmessage = (event: MessageEvent<Reply<T>>) => {
      clearTimeout(timer);
      channel.port1.close();
      const reply = event.data;
      if (reply.ok) {
        resolve(reply.value);
      } else {
        reject(deserializeError(reply.error));
      }
    };
    target.postMessage(message, [channel.port2]);
  });
}
