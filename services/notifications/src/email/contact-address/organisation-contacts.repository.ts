import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Filter, UpdateFilter } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';

interface OrganisationContactDocument {
  _id: string; // organisation id
  email?: string;
  /** occurredAt of the directory event applied last: an older event never overwrites a newer one. */
  changedAt: string;
  eventId: string;
}

/**
 * This service's copy of each organisation's directory contact email, from
 * `organisation.contact-email-changed` events (see docs/notifications/email-and-preferences.md for
 * why a replica and not a call to the directory at send time).
 */
@Injectable()
export class OrganisationContactsRepository {
  private readonly contacts: Collection<OrganisationContactDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.contacts = collectionOf<OrganisationContactDocument>(connection, 'email_organisation_contacts');
  }

  /**
   * Applies one change; idempotent (a redelivered event sets the same values) and ordered by the
   * event's time (an older event arriving late changes nothing).
   */
  async apply(
    eventId: string,
    change: { organisationId: string; email?: string; occurredAt: string },
  ): Promise<void> {
    const set = { changedAt: change.occurredAt, eventId, ...(change.email ? { email: change.email } : {}) };
    const filter: Filter<OrganisationContactDocument> = {
      _id: change.organisationId,
      changedAt: { $lte: change.occurredAt },
    };
    const update: UpdateFilter<OrganisationContactDocument> = change.email
      ? { $set: set }
      : { $set: set, $unset: { email: '' as const } };
    try {
      await this.contacts.updateOne(filter, update, { upsert: true });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      // Duplicate key: the document exists, either newer (the filter rightly did not match it) or
      // created by a concurrent first change an instant ago. Now that it exists, the filter decides.
      await this.contacts.updateOne(filter, update);
    }
  }

  async emailOf(organisationId: string): Promise<string | undefined> {
    const found = await this.contacts.findOne({ _id: organisationId }, { projection: { email: 1 } });
    return found?.email;
  }
}
