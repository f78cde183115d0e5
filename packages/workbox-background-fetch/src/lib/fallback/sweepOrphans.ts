import {logger} from '../logger.js';
import {deleteJob, loadJobs, saveJob} from './jobStore.js';
import {deleteOrphanChunks} from './orphanChunks.js';
import {registrationScope} from './registrationScope.js';
import type {StoredJob} from './StoredJob.js';

/** The orphan grace of every queue of this worker, by queue name. */
const graces = new Map<string, number>();
let swept: Promise<StoredJob[]> | null = null;

/**
 * Declares a queue of this worker (called by its fallback backend when the
 * queue is created, at the worker's start): its stored jobs are its own,
 * and `grace` is how long it lets the jobs of queues that no longer exist
 * wait before they are deleted (the longest grace of all queues wins).
 *
 * @private
 */
export function declareQueueForSweep(name: string, grace: number): void {
  graces.set(name, grace);
}

async function sweep(): Promise<StoredJob[]> {
  const records = await loadJobs();
  const now = Date.now();
  const grace = Math.max(0, ...graces.values());
  const scope = registrationScope();
  const kept: StoredJob[] = [];
  // Jobs of another service worker of the origin (another scope): theirs.
  const others = records.filter((record) => record.scope !== undefined && record.scope !== scope);
  for (const record of records) {
    if (others.includes(record)) {
      continue;
    }
    if (graces.has(record.queue)) {
      if (record.orphanedSince !== undefined) {
        delete record.orphanedSince; // Its queue is back.
        await saveJob(record);
      }
      kept.push(record);
      continue;
    }
    // A queue this worker no longer creates: wait `grace` (a later version
    // of the worker may bring it back), then delete its job silently.
    if (record.orphanedSince === undefined) {
      record.orphanedSince = now;
      await saveJob(record);
    }
    if (now - record.orphanedSince >= grace) {
      if (process.env.NODE_ENV !== 'production') {
        logger.log(
          `Deleting the stored background fetch '${record.id}' of queue ` +
            `'${record.queue}': no such queue in this service worker.`,
        );
      }
      await deleteJob(record.uid);
    } else {
      kept.push(record);
    }
  }
  // Chunks no record lists: of jobs gone, of generations a file left
  // behind, or written by a worker stopped before it recorded them. The
  // jobs of other scopes may be running: all their chunks stay.
  const removed = await deleteOrphanChunks(kept, others);
  if (process.env.NODE_ENV !== 'production' && removed > 0) {
    logger.log(`Deleted ${removed} stored background fetch chunks that no job owns.`);
  }
  return kept;
}

/**
 * The stored fallback jobs of this worker's scope, once per worker after a
 * sweep of what no job owns: job records of queues that no longer exist
 * (after their grace), and chunks that no job record lists (jobs of other
 * scopes of the origin keep theirs). Runs before any job resumes, so no
 * chunk being written is taken for an orphan.
 *
 * @private
 */
export function loadJobsAfterSweep(): Promise<StoredJob[]> {
  swept ??= sweep().catch((error: unknown) => {
    if (process.env.NODE_ENV !== 'production') {
      logger.warn('Could not sweep the stored background fetches:', error);
    }
    return loadJobs();
  });
  return swept;
}
