import {CHANNEL_NAME} from '../protocol.js';
import type {BroadcastMessage, LibraryChangeMessage} from '../protocol.js';

const channels = new Map<string, BroadcastChannel>();

/**
 * Posts `message` to every page of the origin on one of the library's
 * BroadcastChannels (each opened once, lazily): progress and results on
 * `CHANNEL_NAME`, download library changes on `LIBRARY_CHANNEL_NAME`.
 * Silently does nothing where BroadcastChannel is missing.
 *
 * @private
 */
export function broadcast(
  message: BroadcastMessage | LibraryChangeMessage,
  channelName: string = CHANNEL_NAME,
): void {
  if (typeof BroadcastChannel === 'undefined') {
    return;
  }
  let channel = channels.get(channelName);
  if (!channel) {
    channel = new BroadcastChannel(channelName);
    channels.set(channelName, channel);
  }
  channel.postMessage(message);
}
