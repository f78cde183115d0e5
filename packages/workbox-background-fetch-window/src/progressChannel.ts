import {CHANNEL_NAME} from 'workbox-background-fetch/internal';
import type {BroadcastMessage} from 'workbox-background-fetch/internal';

type Listener = (message: BroadcastMessage) => void;

const listeners = new Map<string, Set<Listener>>();
let channel: BroadcastChannel | undefined;

const keyOf = (queue: string, id: string) => `${queue}\n${id}`;

/**
 * Calls `listener` with every progress and result message the worker sends
 * for job `id` of `queue`, over the library's one BroadcastChannel (opened
 * once per page). Returns the function that stops listening.
 *
 * @private
 */
export function onJobMessage(queue: string, id: string, listener: Listener): () => void {
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL_NAME);
    channel.onmessage = (event: MessageEvent<BroadcastMessage>) => {
      const {snapshot} = event.data;
      for (const each of listeners.get(keyOf(snapshot.queue, snapshot.id)) ?? []) {
        each(event.data);
      }
    };
  }
  const key = keyOf(queue, id);
  const set = listeners.get(key) ?? new Set<Listener>();
  set.add(listener);
  listeners.set(key, set);
  return () => {
    set.delete(listener);
    if (set.size === 0) {
      listeners.delete(key);
    }
  };
}
