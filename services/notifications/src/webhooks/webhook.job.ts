import type { NoticeTrace } from '../dispatch/organisation-notice';

/** One webhook message to deliver (ids only: the body is stored with the message). */
export interface WebhookJobData {
  messageId: string;
  endpointId: string;
  /** Set on a replay's job (its number), so a delivered message is sent again. */
  replay?: number;
  trace: NoticeTrace;
}

export const WEBHOOK_JOB_NAME = 'deliver-webhook';

/** The custom BullMQ backoff type that reads the published schedule (see the worker). */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-schedule';

/** First delivery: the message id (one job per notice and endpoint); a replay: one more per replay. */
export function webhookJobId(messageId: string, replay?: number): string {
  return replay === undefined ? `wh-${messageId}` : `wh-${messageId}-replay-${replay}`;
}
