import type { Collection, Document } from 'mongodb';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { createEnvelope, ServiceCapacityChangedV1, type EventEnvelope } from '@sp/contracts';
import { eventMetaFromContext, OutboxRelay, saveWithEvents, withDocumentLock } from '@sp/messaging';
import {
  capacityFingerprint,
  capacitySignals,
  deriveLoad,
  isFull,
  type DeclaredCapacity,
} from '../capacity/domain/capacity.rules';
import {
  ServiceCapacityRepository,
  type ServiceCapacityDocument,
} from '../capacity/service-capacity.repository';
import { submittedPerDay, trustAggregate } from '../trust/domain/trust-signals';
import { ServiceTrustRepository } from '../trust/service-trust.repository';
import { DirectoryChanges } from './directory-changes';
import { DirectoryLookup } from './directory-lookup';
import {
  applyStatusChange,
  recordFromSubmission,
  type StatusChange,
  type Submission,
} from './domain/referral-record';
import { ReferralRecordRepository } from './referral-record.repository';
import type { CapacitySignals } from './service-signals.port';
import { trustFromDoc } from './service-signals.reader';

const SOURCE = '/services/organisations';

/**
 * Keeps each service's capacity and trust in step with its referral records. Every change to a
 * service's figures happens under the lock of its `service_capacity` document: the records are
 * re-read, everything is recomputed from them (so a redelivered or replayed event cannot count
 * twice), and a service.capacity-changed event goes into that document's outbox when the figures
 * someone relies on changed.
 */
@Injectable()
export class ServiceSignalsUpdater {
  constructor(
    private readonly records: ReferralRecordRepository,
    private readonly capacity: ServiceCapacityRepository,
    private readonly trust: ServiceTrustRepository,
    private readonly directory: DirectoryLookup,
    @Inject(OutboxRelay) private readonly relay: Pick<OutboxRelay, 'kick'>,
    /** Told each recomputed capacity and trust (the matching snapshot follows them). */
    @Optional() private readonly changes?: DirectoryChanges,
  ) {}

  /** Referrals to services this directory does not hold are ignored (nothing to attribute them to). */
  private async known(serviceId: string | undefined): Promise<boolean> {
    return serviceId === undefined || (await this.directory.service(serviceId)) !== null;
  }

  async onSubmitted(eventId: string, s: Submission, now = new Date()): Promise<void> {
    const serviceId = s.targetServiceId;
    if (!(await this.known(serviceId))) return;
    if (!serviceId) {
      await this.records.save(eventId, recordFromSubmission(s, false));
      return;
    }
    await withDocumentLock(this.capacity.raw, serviceId, async () => {
      const existing = await this.records.find(s.referralId);
      if (!existing) {
        // Full when submitted (from the service's records, this one not yet among them): it waits.
        const doc = await this.capacity.find(serviceId);
        const load = deriveLoad(await this.records.ofService(serviceId), now);
        await this.records.save(eventId, recordFromSubmission(s, isFull(doc?.declared, load.caseload)));
      }
      await this.recomputeLocked(serviceId, now);
    });
  }

  async onStatusChange(eventId: string, c: StatusChange, now = new Date()): Promise<void> {
    if (!(await this.known(c.targetServiceId))) return;
    const before = await this.records.find(c.referralId);
    const after = applyStatusChange(before, c);
    if (after !== before) await this.records.save(eventId, after);
    await this.recompute([before?.serviceId, after.serviceId], now);
  }

  /** Consent withdrawn: mark the record and drop anything patient-linked (we keep none: counts only). */
  async onConsentWithdrawn(eventId: string, referralId: string, now = new Date()): Promise<void> {
    const before = await this.records.find(referralId);
    if (!before) return;
    await this.records.save(eventId, { ...before, consentWithdrawn: true }, ['patientKey']);
    await this.recompute([before.serviceId], now);
  }

  /** Records a declaration and recomputes; returns the capacity now shown. */
  async declare(
    serviceId: string,
    organisationId: string,
    declared: DeclaredCapacity,
    now = new Date(),
  ): Promise<CapacitySignals | null> {
    return withDocumentLock(this.capacity.raw, serviceId, () =>
      this.recomputeLocked(serviceId, now, { declared, organisationId }),
    );
  }

  async recompute(serviceIds: Array<string | undefined>, now = new Date()): Promise<void> {
    for (const id of new Set(serviceIds.filter((s): s is string => Boolean(s)))) {
      await withDocumentLock(this.capacity.raw, id, () => this.recomputeLocked(id, now));
    }
  }

  private async recomputeLocked(
    serviceId: string,
    now: Date,
    change?: { declared: DeclaredCapacity; organisationId: string },
  ): Promise<CapacitySignals | null> {
    const records = await this.records.ofService(serviceId);
    const trust = { trust: trustAggregate(records), submittedPerDay: submittedPerDay(records, now) };
    await this.trust.replace({ _id: serviceId, ...trust, updatedAt: now });
    this.changes?.trustChanged(serviceId, trustFromDoc(trust, now));

    const doc = await this.capacity.find(serviceId);
    const declared = change?.declared ?? doc?.declared;
    const organisationId =
      change?.organisationId ??
      doc?.organisationId ??
      (await this.directory.service(serviceId))?.organization_id ??
      records.find((r) => r.organisationId)?.organisationId;
    const load = deriveLoad(records, now);
    const figures = { ...load, waitlistLength: load.waitlist.length };
    const probe = capacitySignals(declared, figures, now.toISOString());
    const fingerprint = probe ? capacityFingerprint(probe) : undefined;
    const figuresChanged =
      change !== undefined ||
      !doc ||
      doc.caseload !== load.caseload ||
      doc.freedLast90Days !== load.freedLast90Days ||
      JSON.stringify(doc.waitlist) !== JSON.stringify(load.waitlist);
    const updatedAt = figuresChanged ? now : doc.updatedAt;
    const signals = capacitySignals(declared, figures, updatedAt.toISOString());

    const events: EventEnvelope[] = [];
    if (signals && organisationId && fingerprint !== doc?.announced) {
      events.push(
        createEnvelope(
          ServiceCapacityChangedV1,
          {
            serviceId,
            organisationId,
            capacityStatus: signals.status,
            ...(signals.unit ? { unit: signals.unit } : {}),
            ...(signals.maximum !== undefined ? { maximum: signals.maximum } : {}),
            ...(signals.available !== undefined ? { available: signals.available } : {}),
            caseload: signals.caseload,
            waitlistLength: signals.waitlistLength,
            ...(signals.estimatedWaitDays !== undefined
              ? { estimatedWaitDays: signals.estimatedWaitDays }
              : {}),
            occurredAt: now.toISOString(),
          },
          eventMetaFromContext(SOURCE),
        ),
      );
    }
    if (!figuresChanged && events.length === 0) {
      this.changes?.capacityChanged(serviceId, signals);
      return signals;
    }

    const state: Omit<ServiceCapacityDocument, '_id' | 'outbox' | 'outboxPending'> = {
      ...(organisationId ? { organisationId } : {}),
      ...(declared ? { declared } : {}),
      caseload: load.caseload,
      waitlist: load.waitlist,
      freedLast90Days: load.freedLast90Days,
      ...(events.length > 0
        ? { announced: fingerprint }
        : doc?.announced
          ? { announced: doc.announced }
          : {}),
      updatedAt,
    };
    await saveWithEvents(
      this.capacity.collection as unknown as Collection<Document>,
      serviceId,
      doc !== null && doc !== undefined,
      state,
      events,
    );
    // Still under the document lock: two recomputes of one service notify in the order they wrote.
    this.changes?.capacityChanged(serviceId, signals);
    if (events.length > 0) this.relay.kick();
    return signals;
  }
}
