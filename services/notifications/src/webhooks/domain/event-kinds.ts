import { contractRegistry, Topics } from '@sp/contracts';

/** Event kinds a webhook endpoint may subscribe to: the referral lifecycle's, from the contracts. */
export const WEBHOOK_EVENT_KINDS: readonly string[] = [
  ...new Set(contractRegistry.forTopic(Topics.referralLifecycle.name).map((c) => c.name)),
].sort();

export function isWebhookEventKind(kind: string): boolean {
  return WEBHOOK_EVENT_KINDS.includes(kind);
}
