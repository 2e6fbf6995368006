import { contractRegistry, Topics } from '@sp/contracts';
import { ONWARD_OUTCOME_KIND } from '../../delivery/notification-routing';

/**
 * Event kinds a webhook endpoint may subscribe to: the referral lifecycle's (from the contracts),
 * plus the notices this service derives from them (the onward outcome told to the first referrer).
 */
export const WEBHOOK_EVENT_KINDS: readonly string[] = [
  ...new Set([
    ...contractRegistry.forTopic(Topics.referralLifecycle.name).map((c) => c.name),
    ONWARD_OUTCOME_KIND,
  ]),
].sort();

export function isWebhookEventKind(kind: string): boolean {
  return WEBHOOK_EVENT_KINDS.includes(kind);
}
