/**
 * The `change` event of `manager.library`: an entry of the queue's download
 * library was added (a job succeeded) or removed (by any page or the
 * worker).
 *
 * ```js
 * manager.library.addEventListener('change', (event) => {
 *   console.log(event.id, event.change); // 'ep-5' 'added'
 * });
 * ```
 */
export class DownloadLibraryChangeEvent extends Event {
  /** The job id of the entry. */
  readonly id: string;
  /** What happened to it. */
  readonly change: 'added' | 'removed';

  /** @private */
  constructor(id: string, change: 'added' | 'removed') {
    super('change');
    this.id = id;
    this.change = change;
  }
}

/** The events of `manager.library` ({@link WindowDownloadLibrary}), by type. */
export interface WindowDownloadLibraryEventMap {
  /** An entry was added or removed. */
  change: DownloadLibraryChangeEvent;
}
