import { Inject, Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { collectionOf, MONGO_CONNECTION } from '@sp/persistence';
import {
  effectivePreferences,
  type NotificationPreferences,
  type StoredPreferences,
} from './domain/notification-preferences';

export type { NotificationPreferences } from './domain/notification-preferences';

interface PreferencesDocument extends StoredPreferences {
  _id: string; // organisation id
  updatedAt: Date;
  /** Who changed them last (client id; a person's subject when signed in). */
  updatedBy: string;
}

/**
 * Each organisation's notification preferences. An organisation that never set any gets the
 * defaults; what it stored is kept as it sent it, so kinds it did not mention follow the defaults
 * (including kinds added later).
 */
@Injectable()
export class NotificationPreferencesRepository {
  private readonly preferences: Collection<PreferencesDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.preferences = collectionOf<PreferencesDocument>(connection, 'preferences_organisations');
  }

  /** The organisation's preferences, defaults filled in (all defaults when none are stored). */
  async forOrganisation(organisationId: string): Promise<NotificationPreferences> {
    const stored = await this.preferences.findOne({ _id: organisationId });
    return effectivePreferences(organisationId, stored);
  }

  /** Replaces what the organisation stored (PUT); answers the effective preferences. */
  async replace(
    organisationId: string,
    stored: StoredPreferences,
    updatedBy: string,
  ): Promise<NotificationPreferences> {
    const document: PreferencesDocument = {
      _id: organisationId,
      ...stored,
      updatedAt: new Date(),
      updatedBy,
    };
    await this.preferences.replaceOne({ _id: organisationId }, document, { upsert: true });
    return effectivePreferences(organisationId, stored);
  }

  /** Organisations that chose the daily digest. */
  async withDailyDigest(): Promise<string[]> {
    const found = await this.preferences
      .find({ 'email.digest': 'daily' }, { projection: { _id: 1 } })
      .toArray();
    return found.map((d) => d._id);
  }
}
