import type { Collection, Document } from 'mongodb';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  createEnvelope,
  OrganisationUnverifiedV1,
  OrganisationVerifiedV1,
  type EventEnvelope,
  type EvidenceType,
} from '@sp/contracts';
import { DomainError } from '@sp/errors';
import { eventMetaFromContext, OutboxRelay, saveWithEvents } from '@sp/messaging';
import { retryOnConflict } from '@sp/persistence';
import { DirectoryChanges } from '../signals/directory-changes';
import { DirectoryLookup } from '../signals/directory-lookup';
import {
  computeVerification,
  NEVER_ANNOUNCED,
  verificationAnnouncement,
  type EvidenceRecord,
  type Verification,
} from './domain/verification.rules';
import { AssuranceRepository, type AssuranceDocument, type PendingEvidence } from './assurance.repository';
import type { ActingPerson } from '../audit/acting-person';

const SOURCE = '/services/organisations';

type Mutation = (doc: AssuranceDocument) => void;

function evidenceConflict(organisationId: string, attempts: number): DomainError {
  return new DomainError(
    'EVIDENCE.WRITE_CONFLICT',
    `The evidence of ${organisationId} kept being changed by concurrent writers (${attempts} attempts); try again`,
    { status: 409, retriable: true },
  );
}

/**
 * Assurance evidence and the verification computed from it. Every write re-evaluates the
 * organisation and, when what is announced changed (see verificationAnnouncement), puts
 * organisation.verified or organisation.unverified into the document's outbox in the same write.
 * Re-evaluating with nothing changed writes and emits nothing (the sweep relies on that).
 *
 * Each write is an optimistic read-decide-write of the organisation's one document: read it (with
 * its revision), apply the change, compute the verification, write on condition that the revision
 * is still the one read. If another writer (another request, instance or sweep) came first, the
 * change is applied again to the document it left, so concurrent writes of different evidence all
 * stay, and the verification and its event always follow from the evidence actually stored.
 */
@Injectable()
export class AssuranceService {
  /** Revision last told to the notifier, per organisation (writes may finish out of order). */
  private readonly notified = new Map<string, number>();

  constructor(
    private readonly assurance: AssuranceRepository,
    private readonly directory: DirectoryLookup,
    @Inject(OutboxRelay) private readonly relay: Pick<OutboxRelay, 'kick'>,
    /** Told each organisation's evidence once written (the matching snapshot follows it). */
    @Optional() private readonly changes?: DirectoryChanges,
  ) {}

  async requireOrganisation(organisationId: string): Promise<void> {
    const found = await this.directory.organisationProfiles([organisationId]);
    if (!found.has(organisationId))
      throw new DomainError('ORGANISATION.NOT_FOUND', `No organisation with id ${organisationId}`, {
        status: 404,
      });
  }

  /** The stored evidence with its verification computed now (reads write nothing). */
  async current(organisationId: string, now = new Date()): Promise<AssuranceDocument> {
    const doc = (await this.assurance.find(organisationId)) ?? {
      _id: organisationId,
      evidence: {},
      pending: {},
      updatedAt: now,
    };
    const profile = (await this.directory.organisationProfiles([organisationId])).get(organisationId) ?? {};
    return { ...doc, verification: computeVerification(profile, doc.evidence ?? {}, now) };
  }

  /** Operations records verified evidence (replacing any earlier record and pending submission). */
  async recordVerified(
    organisationId: string,
    type: EvidenceType,
    record: EvidenceRecord,
    now = new Date(),
  ): Promise<AssuranceDocument> {
    return this.write(organisationId, now, (doc) => {
      doc.evidence[type] = record;
      delete doc.pending[type];
    });
  }

  /** An organisation admin submits evidence: held as pending until operations verifies it. */
  async submitPending(
    organisationId: string,
    type: EvidenceType,
    pending: PendingEvidence,
    now = new Date(),
  ): Promise<AssuranceDocument> {
    return this.write(organisationId, now, (doc) => {
      doc.pending[type] = pending;
    });
  }

  /** Operations verifies a pending submission: it becomes the current evidence. */
  async verifyPending(
    organisationId: string,
    type: EvidenceType,
    verifiedBy: string,
    now = new Date(),
    verifiedByPerson?: ActingPerson,
  ): Promise<AssuranceDocument> {
    return this.write(organisationId, now, (doc) => {
      const pending = doc.pending[type];
      if (!pending)
        throw new DomainError('EVIDENCE.NOT_FOUND', `No pending ${type} evidence to verify`, { status: 404 });
      doc.evidence[type] = {
        reference: pending.reference,
        verifiedBy,
        ...(verifiedByPerson ? { verifiedByPerson } : {}),
        verifiedAt: now.toISOString(),
        ...(pending.expiresAt ? { expiresAt: pending.expiresAt } : {}),
        status: 'current',
      };
      delete doc.pending[type];
    });
  }

  async revoke(
    organisationId: string,
    type: EvidenceType,
    revokedBy: string,
    now = new Date(),
    revokedByPerson?: ActingPerson,
  ) {
    return this.write(organisationId, now, (doc) => {
      const current = doc.evidence[type];
      if (!current)
        throw new DomainError('EVIDENCE.NOT_FOUND', `No ${type} evidence recorded`, { status: 404 });
      doc.evidence[type] = {
        ...current,
        status: 'revoked',
        revokedBy,
        ...(revokedByPerson ? { revokedByPerson } : {}),
        revokedAt: now.toISOString(),
      };
    });
  }

  /** Re-evaluates one organisation (sweep, seed): emits only if its verification changed. */
  async evaluate(organisationId: string, now = new Date()): Promise<Verification> {
    const doc = await this.write(organisationId, now);
    return doc.verification!;
  }

  /** Evaluates every organisation that has an assurance document; returns how many changed. */
  async sweep(now = new Date()): Promise<{ evaluated: number; changed: number }> {
    let changed = 0;
    const ids = await this.assurance.allIds();
    for (const id of ids) {
      const before = (await this.assurance.find(id))?.verification;
      const after = (await this.write(id, now)).verification;
      if (JSON.stringify(before) !== JSON.stringify(after)) changed += 1;
    }
    return { evaluated: ids.length, changed };
  }

  private async write(organisationId: string, now: Date, mutate?: Mutation): Promise<AssuranceDocument> {
    const result = await retryOnConflict(() => this.tryWrite(organisationId, now, mutate), {
      onConflict: (attempts) => evidenceConflict(organisationId, attempts),
    });
    if (result.revision !== undefined && result.revision > (this.notified.get(organisationId) ?? 0)) {
      this.notified.set(organisationId, result.revision);
      this.changes?.evidenceChanged(organisationId, result.doc.evidence);
    }
    if (result.emitted) this.relay.kick();
    return result.doc;
  }

  /** One attempt: undefined when another writer changed the document since it was read. */
  private async tryWrite(
    organisationId: string,
    now: Date,
    mutate?: Mutation,
  ): Promise<{ doc: AssuranceDocument; emitted: boolean; revision?: number } | undefined> {
    const existing = await this.assurance.find(organisationId);
    const doc: AssuranceDocument = existing
      ? { ...existing, evidence: { ...existing.evidence }, pending: { ...existing.pending } }
      : { _id: organisationId, evidence: {}, pending: {}, updatedAt: now };
    mutate?.(doc);
    const profile = (await this.directory.organisationProfiles([organisationId])).get(organisationId) ?? {};
    const verification = computeVerification(profile, doc.evidence, now);
    const announcement = verificationAnnouncement(verification);
    const events: EventEnvelope[] = [];
    if (announcement !== (doc.announced ?? NEVER_ANNOUNCED))
      events.push(this.event(organisationId, verification, now));
    const unchanged = JSON.stringify(existing?.verification) === JSON.stringify(verification);
    if (existing && !mutate && events.length === 0 && unchanged) return { doc: existing, emitted: false };

    const state = {
      evidence: doc.evidence,
      pending: doc.pending,
      verification,
      announced: announcement,
      updatedAt: now,
    };
    const saved = await saveWithEvents(
      this.assurance.collection as unknown as Collection<Document>,
      organisationId,
      existing ? (existing.revision ?? 0) : null,
      state,
      events,
    );
    if (!saved.saved) return undefined;
    return {
      doc: { _id: organisationId, ...state, revision: saved.revision },
      emitted: events.length > 0,
      revision: saved.revision,
    };
  }

  private event(organisationId: string, v: Verification, now: Date): EventEnvelope {
    const meta = eventMetaFromContext(SOURCE);
    return v.verified
      ? createEnvelope(
          OrganisationVerifiedV1,
          {
            organisationId,
            ...(v.verifiedUntil ? { verifiedUntil: v.verifiedUntil } : {}),
            occurredAt: now.toISOString(),
          },
          meta,
        )
      : createEnvelope(
          OrganisationUnverifiedV1,
          { organisationId, problems: v.problems, occurredAt: now.toISOString() },
          meta,
        );
  }
}
