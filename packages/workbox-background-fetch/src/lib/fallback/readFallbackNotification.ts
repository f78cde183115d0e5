import {fromJobId} from '../jobId.js';
import type {RegistrationSnapshot} from '../../protocol.js';

/** What a fallback job's notification carries in `notification.data`. */
export interface NotificationData {
  backgroundFetch: {jobId: string; snapshot: RegistrationSnapshot};
}

/** The job a notification belongs to, as `readFallbackNotification` reports it. */
export interface FallbackNotificationJob {
  /** The caller's id of the job. */
  id: string;
  /** The job's state when the notification was last updated. */
  snapshot: RegistrationSnapshot;
}

/**
 * Tells whether `notification` is the download notification of a fallback
 * job of queue `queueName`, and of which job. For `notificationclick`: the
 * queue turns a hit into its `onClick` (the fallback's
 * `backgroundfetchclick`). The snapshot lets it describe jobs that ended.
 *
 * @example
 * self.addEventListener('notificationclick', (event) => {
 *   const job = readFallbackNotification('episodes', event.notification);
 *   if (job) {
 *     event.notification.close();
 *     // …onClick with job.id / job.snapshot
 *   }
 * });
 *
 * @private
 */
export function readFallbackNotification(
  queueName: string,
  notification: Notification,
): FallbackNotificationJob | undefined {
  const data = (notification.data as Partial<NotificationData> | null)?.backgroundFetch;
  if (typeof data?.jobId !== 'string' || notification.tag !== data.jobId) {
    return undefined;
  }
  const id = fromJobId(queueName, data.jobId);
  return id === undefined ? undefined : {id, snapshot: data.snapshot};
}
