import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { createEnvelope, OrganisationRegisteredV1, ServicePublishedV1 } from '@sp/contracts';
import { eventMetaFromContext, outboxInsertFields } from '@sp/messaging';
import { collectionOf, insertOnce, MONGO_CONNECTION } from '@sp/persistence';
import type { OrganisationDocument, OrganisationKind, ServiceDocument } from './organisation.entity';

const SOURCE = '/services/organisations';

export interface NewOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  odsCode?: string;
  charityNumber?: string;
}

export interface NewService {
  id: string;
  organisationId: string;
  name: string;
  description: string;
  taxonomyTermIds: string[];
  minimumAge?: number;
  maximumAge?: number;
}

/**
 * Organisations and their services. Every state change and the event announcing it are written in
 * one single-document insert (the outbox lives in the document); the relay publishes them later.
 */
@Injectable()
export class DirectoryRepository implements OnModuleInit {
  readonly organisations: Collection<OrganisationDocument>;
  readonly services: Collection<ServiceDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.organisations = collectionOf<OrganisationDocument>(connection, 'organisations');
    this.services = collectionOf<ServiceDocument>(connection, 'services');
  }

  async onModuleInit(): Promise<void> {
    await this.organisations.createIndex({ odsCode: 1 }, { unique: false, name: 'by_ods_code' });
    await this.services.createIndex({ organisationId: 1 }, { name: 'by_organisation' });
  }

  /** Registers an organisation once; registering the same id again changes nothing. */
  async registerOrganisation(org: NewOrganisation, now = new Date()): Promise<'created' | 'exists'> {
    const event = createEnvelope(
      OrganisationRegisteredV1,
      {
        organisationId: org.id,
        ...(org.odsCode ? { odsCode: org.odsCode } : {}),
        kind: org.kind,
        occurredAt: now.toISOString(),
      },
      eventMetaFromContext(SOURCE),
    );
    return insertOnce(this.organisations, {
      _id: org.id,
      name: org.name,
      kind: org.kind,
      ...(org.odsCode ? { odsCode: org.odsCode } : {}),
      ...(org.charityNumber ? { charityNumber: org.charityNumber } : {}),
      status: 'active',
      createdAt: now,
      updatedAt: now,
      ...outboxInsertFields([event]),
    });
  }

  /** Publishes a service once; publishing the same id again changes nothing. */
  async publishService(service: NewService, now = new Date()): Promise<'created' | 'exists'> {
    const event = createEnvelope(
      ServicePublishedV1,
      {
        serviceId: service.id,
        organisationId: service.organisationId,
        status: 'active',
        taxonomyTermIds: service.taxonomyTermIds,
        occurredAt: now.toISOString(),
      },
      eventMetaFromContext(SOURCE),
    );
    return insertOnce(this.services, {
      _id: service.id,
      organisationId: service.organisationId,
      name: service.name,
      description: service.description,
      status: 'active',
      taxonomyTermIds: service.taxonomyTermIds,
      ...(service.minimumAge !== undefined ? { minimumAge: service.minimumAge } : {}),
      ...(service.maximumAge !== undefined ? { maximumAge: service.maximumAge } : {}),
      createdAt: now,
      updatedAt: now,
      ...outboxInsertFields([event]),
    });
  }

  async findOrganisation(id: string): Promise<OrganisationDocument | null> {
    return this.organisations.findOne({ _id: id }, { projection: { outbox: 0 } });
  }

  async listOrganisations(
    limit: number,
    skip: number,
  ): Promise<{ items: OrganisationDocument[]; total: number }> {
    const [items, total] = await Promise.all([
      this.organisations
        .find({}, { projection: { outbox: 0 } })
        .sort({ _id: 1 })
        .skip(skip)
        .limit(limit)
        .toArray(),
      this.organisations.countDocuments({}),
    ]);
    return { items, total };
  }

  async servicesOf(organisationId: string): Promise<ServiceDocument[]> {
    return this.services
      .find({ organisationId }, { projection: { outbox: 0 } })
      .sort({ _id: 1 })
      .toArray();
  }
}
