import type {BackendContext} from '../BackgroundFetchBackend.js';
import type {FallbackJob} from './FallbackJob.js';
import type {FallbackSettings} from './FallbackSettings.js';

/**
 * What a fallback job needs from its backend (`FallbackBackend` builds it).
 *
 * @private
 */
export interface JobHost {
  /** The queue: its `onSettled` receives the job when it ends. */
  context: BackendContext;
  settings: FallbackSettings;
  /** Keeps the worker alive (through `keepAlive()` events) while `work` runs. */
  track(work: Promise<unknown>): void;
  /** The job's record and chunks are gone: forget it. */
  forget(job: FallbackJob): void;
}
