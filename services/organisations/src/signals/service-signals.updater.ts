import type { ClientSession, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { createEnvelope, ServiceCapacityChangedV1, type EventEnvelope } from '@sp/contracts';
import { DomainError } from '@sp/errors';
import { eventMetaFromContext, OutboxRelay, saveWithEvents } from '@sp/messaging';
import { MONGO_CONNECTION, runInTransaction } from '@sp/persistence';
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
import { supersedes, teamHeadroomOf, type TeamCaseload } from '../team-capacity/domain/team-caseload';
import { TeamCaseloadRepository } from '../team-capacity/team-caseload.repository';
import { DirectoryChanges } from './directory-changes';
import { DirectoryLookup } from './directory-lookup';
import {
  applyStatusChange,
  recordFromSubmission,
  type StatusChange,
  type Submission,
} from './domain/referral-record';
import { ReferralRecordRepository } from './referral-record.repository';
import type { CapacitySignals, TrustSignals } from './service-signals.port';
import { trustFromDoc } from './service-signals.reader';

const SOURCE = '/services/organisations';

type Declaration = { declared: DeclaredCapacity; organisationId: string };

/**
 * Attempts of one event's transaction: the events of one busy service contend for its capacity
 * document (a consumer retries a retriable failure again later anyway).
 */
const SIGNALS_ATTEMPTS = 25;

/** What one service's recompute wrote (told to the in-process notifier once committed). */
interface Recomputed {
  serviceId: string;
  revision: number;
  trust: TrustSignals;
  capacity: CapacitySignals | null;
  announced: boolean;
}

/** Distinct service ids, sorted (claims always in one order). */
function serviceIdsOf(ids: Array<string | undefined>): string[] {
  return [...new Set(ids.filter((s): s is string => Boolean(s)))].sort();
}

function signalsConflict(attempts: number): DomainError {
  return new DomainError(
    'SIGNALS.WRITE_CONFLICT',
    `Service signals kept being changed by concurrent writers (${attempts} attempts)`,
    { status: 409, retriable: true },
  );
}

/**
 * Keeps each service's capacity and trust in step with its referral records. Each referral event
 * (and each capacity declaration) is ONE multi-document transaction: the referral record is
 * written, every figure of the service is recomputed from all its records (so a redelivered or
 * replayed event cannot count twice), and the `service_trust` and `service_capacity` documents
 * are written, with a service.capacity-changed event in the capacity document's outbox when the
 * figures someone relies on changed.
 *
 * Why a transaction, and why the capacity document is written every time. Events of one service
 * arrive on different partitions, so several consumers (instances, or partitions of one
 * instance) apply them at once. A recompute reads the service's records; without isolation,
 * instance A could read the records before B's new one is written while B reads A's old figures,
 * and the later of their two writes would drop the other's referral. In a transaction the read of
 * the records and the write of the figures see one snapshot, and MongoDB lets only the first of
 * two transactions that write the same document commit: the other fails with a write conflict and
 * is run again on a snapshot that holds the first one's record. The capacity document is that
 * shared document: every transaction increments its `revision`, even when no figure changed, so
 * two recomputes of one service can never both commit from snapshots that miss each other's
 * record (write skew). The record, the figures and the event also commit together, so a crash
 * cannot leave a record counted nowhere.
 */
@Injectable()
export class ServiceSignalsUpdater {
  /** Capacity revision last told to the notifier, per service (commits may finish out of order). */
  private readonly notified = new Map<string, number>();

  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    private readonly records: ReferralRecordRepository,
    private readonly capacity: ServiceCapacityRepository,
    private readonly trust: ServiceTrustRepository,
    private readonly directory: DirectoryLookup,
    private readonly teams: TeamCaseloadRepository,
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
    await this.apply(now, [serviceId], async (session) => {
      const existing = await this.records.find(s.referralId, session);
      if (ReferralRecordRepository.applied(existing, eventId)) return null;
      return {
        serviceIds: [serviceId],
        write: async () => {
          if (existing) return;
          // Full when submitted (from the service's records, this one not yet among them): it waits.
          const doc = serviceId ? await this.capacity.find(serviceId, session) : null;
          const full = serviceId
            ? isFull(
                doc?.declared,
                deriveLoad(await this.records.ofService(serviceId, session), now).caseload,
                doc?.teamHeadroom ?? undefined,
              )
            : false;
          await this.records.write(eventId, recordFromSubmission(s, full), [], session);
        },
      };
    });
  }

  async onStatusChange(eventId: string, c: StatusChange, now = new Date()): Promise<void> {
    if (!(await this.known(c.targetServiceId))) return;
    await this.apply(now, [c.targetServiceId], async (session) => {
      const before = await this.records.find(c.referralId, session);
      if (ReferralRecordRepository.applied(before, eventId)) return null;
      const after = applyStatusChange(before, c);
      return {
        serviceIds: [before?.serviceId, after.serviceId],
        write: async () => {
          if (after !== before) await this.records.write(eventId, after, [], session);
        },
      };
    });
  }

  /** Consent withdrawn: mark the record and drop anything patient-linked (we keep none: counts only). */
  async onConsentWithdrawn(eventId: string, referralId: string, now = new Date()): Promise<void> {
    // A referral never seen here (another directory's service) has nothing to mark.
    if (!(await this.records.find(referralId))) return;
    await this.apply(now, [], async (session) => {
      const before = await this.records.find(referralId, session);
      if (!before || ReferralRecordRepository.applied(before, eventId)) return null;
      return {
        serviceIds: [before.serviceId],
        write: () =>
          this.records.write(eventId, { ...before, consentWithdrawn: true }, ['patientKey'], session),
      };
    });
  }

  /**
   * The team's caseload changed: keep the newest figures (by teamVersion: a stale or repeated
   * event changes nothing) and recompute every recorded service of the organisation, in one
   * transaction. Two instances applying two versions at once both write the team document: one
   * commits, the other runs again and finds its version stale or newer.
   */
  async onTeamCaseload(eventId: string, team: TeamCaseload, now = new Date()): Promise<void> {
    await this.apply(now, [], async (session) => {
      if (!supersedes(await this.teams.find(team.organisationId, session), team)) return null;
      return {
        serviceIds: await this.capacity.idsOfOrganisation(team.organisationId, session),
        write: () => this.teams.save(eventId, team, now, session),
      };
    });
  }

  /** Records a declaration and recomputes; returns the capacity now shown. */
  async declare(
    serviceId: string,
    organisationId: string,
    declared: DeclaredCapacity,
    now = new Date(),
  ): Promise<CapacitySignals | null> {
    const [result] = await this.apply(
      now,
      [serviceId],
      async () => ({ serviceIds: [serviceId], write: async () => undefined }),
      { declared, organisationId },
    );
    return result?.capacity ?? null;
  }

  /**
   * In one transaction: the capacity documents of the services the event names are claimed (see
   * below); `plan` reads the referral record and says which services the event touches (null:
   * the event was already applied), any other one is claimed too; the record is written and each
   * service recomputed. Then the notifier is told and the relay woken.
   *
   * Claiming first: the transaction's first operation increments the capacity document's revision.
   * While it is uncommitted, a concurrent transaction of the same service fails at once on that
   * write (write conflict) and retries after a pause, instead of doing all its reads and failing
   * at its last write: under contention the holder commits. Claiming before any read also leaves
   * no gap between the snapshot and the claim in which another commit could void the attempt.
   */
  private async apply(
    now: Date,
    named: Array<string | undefined>,
    plan: (session: ClientSession) => Promise<{
      serviceIds: Array<string | undefined>;
      write: () => Promise<void>;
    } | null>,
    declaration?: Declaration,
  ): Promise<Recomputed[]> {
    const results = await runInTransaction(
      this.connection,
      async (session) => {
        const claimed = new Set(serviceIdsOf(named));
        for (const id of claimed) await this.capacity.claim(id, session);
        const planned = await plan(session);
        if (planned === null) return [];
        const serviceIds = serviceIdsOf(planned.serviceIds);
        for (const id of serviceIds) if (!claimed.has(id)) await this.capacity.claim(id, session);
        await planned.write();
        const out: Recomputed[] = [];
        for (const id of serviceIds) out.push(await this.recompute(session, id, now, declaration));
        return out;
      },
      { onConflict: signalsConflict, maxAttempts: SIGNALS_ATTEMPTS },
    );
    for (const r of results) {
      // Two commits of one service may finish out of order here: tell only the newer one.
      if (r.revision <= (this.notified.get(r.serviceId) ?? 0)) continue;
      this.notified.set(r.serviceId, r.revision);
      this.changes?.trustChanged(r.serviceId, r.trust);
      this.changes?.capacityChanged(r.serviceId, r.capacity);
    }
    if (results.some((r) => r.announced)) this.relay.kick();
    return results;
  }

  /** Recomputes one service's trust and capacity from its records, inside the caller's transaction. */
  private async recompute(
    session: ClientSession,
    serviceId: string,
    now: Date,
    change?: Declaration,
  ): Promise<Recomputed> {
    const [records, doc] = [
      await this.records.ofService(serviceId, session),
      await this.capacity.find(serviceId, session),
    ];
    const trust = { trust: trustAggregate(records), submittedPerDay: submittedPerDay(records, now) };
    await this.trust.replace({ _id: serviceId, ...trust, updatedAt: now }, session);

    const declared = change?.declared ?? doc?.declared;
    const organisationId =
      change?.organisationId ??
      doc?.organisationId ??
      (await this.directory.service(serviceId))?.organization_id ??
      records.find((r) => r.organisationId)?.organisationId;
    const team = organisationId ? await this.teams.find(organisationId, session) : null;
    // A service recorded for the first time conflicts with a concurrent headroom change (which
    // recomputes only the services already recorded): see TeamCaseloadRepository.touch.
    if (!doc && team) await this.teams.touch(team._id, session);
    const teamHeadroom = teamHeadroomOf(team);
    const load = deriveLoad(records, now);
    const figures = {
      ...load,
      waitlistLength: load.waitlist.length,
      ...(teamHeadroom !== undefined ? { teamHeadroom } : {}),
    };
    const probe = capacitySignals(declared, figures, now.toISOString());
    const fingerprint = probe ? capacityFingerprint(probe) : undefined;
    const figuresChanged =
      change !== undefined ||
      !doc ||
      doc.caseload !== load.caseload ||
      doc.freedLast90Days !== load.freedLast90Days ||
      (doc.teamHeadroom ?? undefined) !== teamHeadroom ||
      JSON.stringify(doc.waitlist) !== JSON.stringify(load.waitlist);
    const updatedAt = figuresChanged ? now : doc.updatedAt;
    const signals = capacitySignals(declared, figures, updatedAt.toISOString());

    const events: EventEnvelope[] = [];
    if (signals && organisationId && fingerprint !== doc?.announced) {
      events.push(this.capacityEvent(serviceId, organisationId, signals, now));
    }
    const state: Omit<ServiceCapacityDocument, '_id' | 'outbox' | 'outboxPending' | 'revision'> = {
      ...(organisationId ? { organisationId } : {}),
      ...(declared ? { declared } : {}),
      caseload: load.caseload,
      waitlist: load.waitlist,
      freedLast90Days: load.freedLast90Days,
      // null, not absent: the write is a $set, which would keep a limit the team no longer has.
      teamHeadroom: teamHeadroom ?? null,
      ...(events.length > 0
        ? { announced: fingerprint }
        : doc?.announced
          ? { announced: doc.announced }
          : {}),
      updatedAt,
    };
    // Written even when nothing changed: the revision increment is what makes two concurrent
    // recomputes of this service conflict (see the class comment).
    const saved = await saveWithEvents(
      this.capacity.collection as unknown as Collection<Document>,
      serviceId,
      doc ? (doc.revision ?? 0) : null,
      state,
      events,
      { session },
    );
    if (!saved.saved) throw new Error(`service_capacity/${serviceId} changed inside its transaction`);
    return {
      serviceId,
      revision: saved.revision,
      trust: trustFromDoc(trust, now),
      capacity: signals,
      announced: events.length > 0,
    };
  }

  private capacityEvent(
    serviceId: string,
    organisationId: string,
    signals: CapacitySignals,
    now: Date,
  ): EventEnvelope {
    return createEnvelope(
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
        ...(signals.estimatedWaitDays !== undefined ? { estimatedWaitDays: signals.estimatedWaitDays } : {}),
        occurredAt: now.toISOString(),
      },
      eventMetaFromContext(SOURCE),
    );
  }
}
