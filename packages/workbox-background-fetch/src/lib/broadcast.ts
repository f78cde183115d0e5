import {CHANNEL_NAME} from '../protocol.js';
import type {BroadcastMessage} from '../protocol.js';

let channel: BroadcastChannel | undefined;

/**
 * Posts `message` to every page of the origin on the library's one
 * BroadcastChannel (opened once, lazily). Silently does nothing where
 * BroadcastChannel is missing.
 *
 * @private
 */
export function broadcast(message: BroadcastMessage): void {
  if (typeof BroadcastChannel === 'undefined') {
    return;
  }
  channel ??= new BroadcastChannel(CHANNEL_NAME);
  channel.postMessage(message);
}
