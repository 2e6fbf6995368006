/** A Kafka topic the platform owns. Partition counts are fixed at creation: changing one re-shuffles keys. */
export interface TopicDefinition {
  name: string;
  partitions: number;
  description: string;
  /** What the record key is (the aggregate id that keeps one aggregate's events in order). */
  key: string;
  /**
   * Topic-level broker config (e.g. retention.ms) the platform requires; applied when the topic
   * is created and added to an existing topic's config by ensureTopics. Not applied to the .dlq twin.
   */
  config?: Readonly<Record<string, string>>;
}

/** Every platform topic. Names carry a version: a breaking change to a topic is a new topic. */
export const Topics = {
  referralLifecycle: {
    name: 'sp.referrals.lifecycle.v1',
    partitions: 6,
    description:
      'Facts about referrals as they move through their lifecycle (submitted, accepted, declined, completed...).',
    key: 'referral id (referralId): all events of one referral land on one partition, in order',
    // Kept forever: analytics rebuilds its read models by replaying it from the first offset.
    config: { 'retention.ms': '-1' },
  },
  teams: {
    name: 'sp.referrals.teams.v1',
    partitions: 3,
    description:
      "Facts about receiving organisations' teams: how much of their workers' caseload limits is taken (no person, no patient).",
    key: "organisation id (organisationId): one organisation's team figures stay in order",
  },
  directory: {
    name: 'sp.organisations.directory.v1',
    partitions: 6,
    description:
      'Facts about the shared directory: organisations registered and services published or changed.',
    key: "organisation id (organisationId): an organisation's events and those of its services share a partition; each organisation's and each service's own events stay in order",
    // Kept forever: analytics replays service.capacity-changed for waitlist history on a rebuild.
    config: { 'retention.ms': '-1' },
  },
} as const satisfies Record<string, TopicDefinition>;

const DLQ_SUFFIX = '.dlq';

/** The dead-letter twin of a topic: where consumers park records they cannot process. */
export function deadLetterTopicName(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX);
}
