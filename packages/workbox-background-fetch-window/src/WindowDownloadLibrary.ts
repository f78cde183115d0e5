import {LIBRARY_CHANNEL_NAME} from 'workbox-background-fetch/internal';
import type {DownloadEntry, LibraryChangeMessage} from 'workbox-background-fetch/internal';
import {DownloadLibraryChangeEvent} from './DownloadLibraryChangeEvent.js';
import type {WindowDownloadLibraryEventMap} from './DownloadLibraryChangeEvent.js';
import {messageWorker} from './messageWorker.js';

/**
 * A queue's download library seen from a page (`manager.library`): the
 * same `list()`, `get(id)` and `remove(id)` as the worker's
 * `queue.library`, answered by the worker, plus a `change` event
 * (`DownloadLibraryChangeEvent`) whenever an entry is added or removed by
 * any page or by the worker.
 *
 * ```js
 * const manager = await backgroundFetchManager({queue: 'episodes'});
 * const render = async () => {
 *   for (const entry of await manager.library.list()) {
 *     console.log(entry.title, entry.bytes, entry.missing);
 *   }
 * };
 * manager.library.addEventListener('change', render);
 * await render();
 * ```
 */
export class WindowDownloadLibrary extends EventTarget {
  /** The queue whose downloads this library lists. */
  readonly queue: string;
  private readonly _registration: ServiceWorkerRegistration;
  private _channel?: BroadcastChannel;

  /** @private Use `manager.library`. */
  constructor(registration: ServiceWorkerRegistration, queue: string) {
    super();
    this._registration = registration;
    this.queue = queue;
    if (typeof BroadcastChannel !== 'undefined') {
      this._channel = new BroadcastChannel(LIBRARY_CHANNEL_NAME);
      this._channel.onmessage = (event: MessageEvent<LibraryChangeMessage>) => {
        const message = event.data;
        if (message?.type === 'WBF_LIBRARY_CHANGE' && message.queue === this.queue) {
          this.dispatchEvent(new DownloadLibraryChangeEvent(message.id, message.change));
        }
      };
    }
  }

  /**
   * Listens for `change` (a {@link DownloadLibraryChangeEvent}, typed as
   * such in TypeScript) or any other event type.
   *
   * @param type The event type, `'change'`.
   * @param listener Called with the event.
   * @param options As for `EventTarget.addEventListener()`.
   */
  override addEventListener<K extends keyof WindowDownloadLibraryEventMap>(
    type: K,
    listener: (this: WindowDownloadLibrary, event: WindowDownloadLibraryEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
  }

  /**
   * Removes a listener added with {@link WindowDownloadLibrary.addEventListener}.
   *
   * @param type The event type, `'change'`.
   * @param listener The listener given to `addEventListener()`.
   * @param options As for `EventTarget.removeEventListener()`.
   */
  override removeEventListener<K extends keyof WindowDownloadLibraryEventMap>(
    type: K,
    listener: (this: WindowDownloadLibrary, event: WindowDownloadLibraryEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }

  /** Every finished download of the queue, newest first (`missing` checked now). */
  list(): Promise<DownloadEntry[]> {
    return messageWorker(this._registration, {type: 'WBF_LIBRARY_LIST', queue: this.queue});
  }

  /**
   * The finished download of that id, or `undefined`.
   *
   * @param id The id given to `fetch()`.
   */
  async get(id: string): Promise<DownloadEntry | undefined> {
    const entry = await messageWorker<DownloadEntry | null>(this._registration, {
      type: 'WBF_LIBRARY_GET',
      queue: this.queue,
      id,
    });
    return entry ?? undefined;
  }

  /**
   * Deletes the download of that id (its records from their caches, then
   * its entry); `false` when there was none.
   *
   * @param id The id given to `fetch()`.
   */
  remove(id: string): Promise<boolean> {
    return messageWorker(this._registration, {type: 'WBF_LIBRARY_REMOVE', queue: this.queue, id});
  }
}
