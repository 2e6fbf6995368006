import type { MongoClient } from 'mongodb';
import {
  contractRegistry,
  createEnvelope,
  directoryIdForSlug,
  OrganisationRegisteredV1,
  OrganisationSuspendedV1,
  OrganisationVerifiedV1,
  ServiceCapacityChangedV1,
  ServicePublishedV2,
  ServiceWithdrawnV1,
  type EventEnvelope,
  type ServicePublishedV2Data,
} from '@sp/contracts';
import { EventPublisher } from '@sp/messaging';
import { testInfra, waitFor } from '@sp/testing';

type Listing = Partial<Omit<ServicePublishedV2Data, 'serviceId' | 'organisationId'>>;

/**
 * The directory as the organisations service would publish it: real directory events produced to
 * Kafka, for the referrals service's replica to consume.
 */
export class DirectoryFeed {
  private readonly envelopes: EventEnvelope[] = [];
  private readonly meta: { source: string; correlationId: string };

  constructor(
    private readonly run: string,
    private readonly at = new Date().toISOString(),
  ) {
    this.meta = { source: '/test/organisations', correlationId: run };
  }

  /** A VCS organisation, registered and (unless `verified: false`) verified. */
  organisation(organisationId: string, opts: { verified?: boolean } = {}): this {
    this.envelopes.push(
      createEnvelope(
        OrganisationRegisteredV1,
        { organisationId, kind: 'vcs', occurredAt: this.at },
        this.meta,
      ),
    );
    if (opts.verified !== false)
      this.envelopes.push(
        createEnvelope(OrganisationVerifiedV1, { organisationId, occurredAt: this.at }, this.meta),
      );
    return this;
  }

  suspend(organisationId: string, reasonCode = 'safeguarding-concern'): this {
    this.envelopes.push(
      createEnvelope(OrganisationSuspendedV1, { organisationId, reasonCode, occurredAt: this.at }, this.meta),
    );
    return this;
  }

  /**
   * A published service: active, English, meeting loneliness unless `listing` says otherwise. By
   * default as the directory publishes it today (term ids are UUIDs, `needCodes` the need codes);
   * a listing naming `taxonomyTermIds` without `needCodes` is one published before directory ids
   * were UUIDs (the term ids were the need codes).
   */
  service(serviceId: string, organisationId: string, listing: Listing = {}): this {
    const classification =
      listing.taxonomyTermIds === undefined
        ? {
            taxonomyTermIds: [directoryIdForSlug('taxonomy_terms', 'sp-need-loneliness')],
            needCodes: ['sp-need-loneliness'],
          }
        : {};
    this.envelopes.push(
      createEnvelope(
        ServicePublishedV2,
        {
          serviceId,
          organisationId,
          status: 'active',
          ...(classification as { taxonomyTermIds: string[] }),
          languages: ['en'],
          occurredAt: this.at,
          ...listing,
        },
        this.meta,
      ),
    );
    return this;
  }

  noCapacity(serviceId: string, organisationId: string): this {
    this.envelopes.push(
      createEnvelope(
        ServiceCapacityChangedV1,
        {
          serviceId,
          organisationId,
          capacityStatus: 'no-capacity',
          caseload: 10,
          waitlistLength: 0,
          occurredAt: this.at,
        },
        this.meta,
      ),
    );
    return this;
  }

  withdraw(serviceId: string, organisationId: string): this {
    this.envelopes.push(
      createEnvelope(ServiceWithdrawnV1, { serviceId, organisationId, occurredAt: this.at }, this.meta),
    );
    return this;
  }

  /** Produces every event to Kafka (validated against its contract). */
  async publish(): Promise<void> {
    const publisher = new EventPublisher({ brokers: testInfra.kafkaBrokers, clientId: `test-${this.run}` });
    try {
      await publisher.publishEnvelopes(this.envelopes, contractRegistry);
    } finally {
      await publisher.disconnect();
    }
  }
}

/** What the replica in `db` must hold before a spec starts (every id listed, in that state). */
export interface ReplicaExpectation {
  services?: string[];
  verifiedOrganisations?: string[];
  suspendedOrganisations?: string[];
  withdrawnServices?: string[];
  noCapacityServices?: string[];
}

/** Waits until the referrals service's directory replica in `db` has consumed the feed. */
export async function waitForReplica(
  mongo: MongoClient,
  db: string,
  expected: ReplicaExpectation,
  timeoutMs = 90_000,
): Promise<void> {
  const services = mongo.db(db).collection('directory_services');
  const organisations = mongo.db(db).collection('directory_organisations');
  const count = async (
    collection: typeof services,
    ids: string[] | undefined,
    state: Record<string, unknown> = {},
  ): Promise<boolean> =>
    ids === undefined ||
    (await collection.countDocuments({ _id: { $in: ids as never[] }, ...state })) === ids.length;
  await waitFor(
    async () =>
      (await count(services, expected.services)) &&
      (await count(organisations, expected.verifiedOrganisations, { verified: true })) &&
      (await count(organisations, expected.suspendedOrganisations, { suspended: true })) &&
      (await count(services, expected.withdrawnServices, { withdrawn: true })) &&
      (await count(services, expected.noCapacityServices, { capacityStatus: 'no-capacity' })),
    { timeoutMs, intervalMs: 250, description: `directory replica in ${db}` },
  );
}
