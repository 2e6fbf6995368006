import { actorRef } from '../actor-ref';
import { createHash, randomUUID } from 'node:crypto';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { outboxInsertFields, type OutboxRelay } from '@sp/messaging';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import { deadlineTimes } from '../../deadline/deadline.job';
import type { DeadlineQueue } from '../../deadline/deadline.queue';
import type { DeprivationRepository } from '../../deprivation/deprivation.repository';
import type { DirectoryReplicaRepository } from '../../directory-replica/directory-replica.repository';
import type { RecordRefusalUseCase } from '../../intake-refusals/record-refusal/record-refusal.use-case';
import { normaliseNhsNumber } from '../../domain/nhs-number';
import { patientKeyFor } from '../../domain/patient-key';
import { isEthnicCategory, isSexCode, populationCodes, type PopulationCodes } from '../../domain/population';
import { formatPostcode } from '../../domain/postcode';
import { intakeProblems, type Actor } from '../../domain/referral-intake.rules';
import { targetServiceProblems } from '../../domain/service-eligibility';
import { ReferralErrors } from '../referral-errors';
import { submittedEvent } from '../referral-events';
import type { ActorRef, Priority, ReferralDocument, ReferralPatient } from '../referral.entity';
import type { CreateReferralInput, CreateResult, ReferralIntake } from '../referral-operations';
import type { ReferralRepository } from '../referral.repository';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** Population facts at intake: the deprivation table and the record of refusals (unmet demand). */
export interface IntakeFactPorts {
  deprivation: Pick<DeprivationRepository, 'decileOf'>;
  refusals: Pick<RecordRefusalUseCase, 'isRefusal' | 'execute'>;
}

export interface DeadlineSettings {
  deadlineHours: number;
  reminderBeforeHours: number;
}

/** Field problems from the directory replica are 422 (well-formed, but the target cannot take it); others 400. */
export function validationFailure(message: string, problems: FieldProblem[]): ValidationError {
  const targetOnly = problems.every((p) => /(^|\.)(targetServiceId|serviceId)$/.test(p.field));
  return new ValidationError(message, problems, { status: targetOnly ? 422 : 400 });
}

/** A new referral document in status requested, with its referral.submitted event in its outbox. */
export function newReferralDocument(
  fields: Omit<
    ReferralDocument,
    | 'status'
    | 'version'
    | 'childReferralIds'
    | 'createdAt'
    | 'updatedAt'
    | 'history'
    | 'outbox'
    | 'outboxPending'
    | 'respondBy'
    | 'remindAt'
  > & { childReferralIds?: string[] },
  by: ActorRef,
  now: Date,
  deadlines: DeadlineSettings,
): ReferralDocument {
  const times = deadlineTimes(now, deadlines.deadlineHours, deadlines.reminderBeforeHours);
  const doc: ReferralDocument = {
    ...fields,
    childReferralIds: fields.childReferralIds ?? [],
    status: 'requested',
    version: 1,
    createdAt: now,
    updatedAt: now,
    respondBy: times.respondBy,
    remindAt: times.remindAt,
    history: [{ version: 1, at: now, by, action: 'submitted', from: null, to: 'requested' }],
    outbox: [],
  };
  return { ...doc, ...outboxInsertFields([submittedEvent(doc, now)]) };
}

/**
 * Intake: rules (every problem named, the target checked against the directory replica; nothing
 * stored on failure), then the referral and its `referral.submitted` event in one insert, then
 * its response-deadline jobs. A retried post with the same Idempotency-Key returns the original.
 */
export class CreateReferralUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'insert' | 'findByIdempotencyKey'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly replica: Pick<DirectoryReplicaRepository, 'service' | 'organisation'>,
    private readonly deadlines: Pick<DeadlineQueue, 'schedule'>,
    private readonly settings: DeadlineSettings & { patientKeySecret: string },
    private readonly facts: IntakeFactPorts,
  ) {}

  async execute(input: CreateReferralInput, now = new Date()): Promise<CreateResult> {
    const { intake, actor } = input;
    const key = input.idempotencyKey;
    if (key !== undefined && !(key.startsWith('fhir:') ? key.length <= 512 : IDEMPOTENCY_KEY.test(key))) {
      throw new ValidationError('The Idempotency-Key header is invalid', [
        {
          field: 'Idempotency-Key',
          code: 'invalid_format',
          message: '8-128 characters of A-Z a-z 0-9 . _ : -',
        },
      ]);
    }
    const requestFingerprint = fingerprint(input.rawBody);
    // No lookup of the key on the hot path: the unique index on (requester, idempotencyKey) refuses
    // a second insert and the original is read only then (insert below). The key is looked up
    // first only when the request fails validation, so that a retry of a referral that was
    // accepted earlier still returns it even if the directory has changed since.

    const problems = intakeProblems(intake, actor, now);
    let ownerOrganisationId: string | undefined;
    if (intake.targetServiceId !== undefined) {
      const service = await this.replica.service(intake.targetServiceId);
      const org = service?.organisationId ? await this.replica.organisation(service.organisationId) : null;
      problems.push(...targetServiceProblems(service, org, intake.patient.birthDate, now));
      ownerOrganisationId = service?.organisationId;
    }
    if (problems.length > 0) {
      const original =
        key === undefined ? null : await this.referrals.findByIdempotencyKey(actor.organisationId, key);
      if (original) return this.replayed(original, requestFingerprint, actor);
      if (this.facts.refusals.isRefusal(problems, intake)) {
        // Unmet demand: recorded (once per Idempotency-Key) before the same 422 as ever.
        await this.facts.refusals.execute(
          {
            problems,
            intake,
            requesterOrganisationId: actor.organisationId,
            ...(ownerOrganisationId !== undefined ? { ownerOrganisationId } : {}),
            population: await this.population(intake, now),
            ...(key !== undefined ? { idempotencyKey: key } : {}),
          },
          now,
        );
      }
      throw validationFailure('The referral is invalid', problems);
    }

    const id = randomUUID();
    const nhsNumber = normaliseNhsNumber(intake.patient.nhsNumber);
    const referral = newReferralDocument(
      {
        _id: id,
        requesterOrganisationId: actor.organisationId,
        requesterOdsCode: intake.requesterOdsCode,
        requesterClientId: actor.clientId,
        ...(intake.targetServiceId !== undefined ? { targetServiceId: intake.targetServiceId } : {}),
        ...(ownerOrganisationId !== undefined ? { ownerOrganisationId } : {}),
        needs: intake.needs,
        priority: intake.priority as Priority,
        patient: storedPatient(intake.patient, nhsNumber),
        population: await this.population(intake, now),
        patientKey: patientKeyFor(nhsNumber, this.settings.patientKeySecret),
        consent: { ...intake.consent, recordedAt: new Date(intake.consent.recordedAt) },
        doNotContact: intake.doNotContact ?? false,
        ...(intake.patientContact ? { patientContact: intake.patientContact } : {}),
        ...(intake.note !== undefined ? { note: intake.note } : {}),
        ...(intake.identifiers !== undefined ? { identifiers: intake.identifiers } : {}),
        ...(intake.reasons !== undefined ? { reasons: intake.reasons } : {}),
        ...(key !== undefined ? { idempotencyKey: key } : {}),
        requestFingerprint,
      },
      actorRef(actor),
      now,
      this.settings,
    );

    const result = await this.referrals.insert(referral);
    if (!result.created) return this.replayed(result.referral, requestFingerprint, actor);
    this.relay.kick(); // publish now rather than at the next poll
    // Independent writes to Redis and to the audit log: one wait, not two in a row.
    await Promise.all([
      this.deadlines.schedule(referral._id, referral, now),
      this.audit.record({
        actor: actorRef(actor),
        action: 'referral.create',
        referralId: referral._id,
        outcome: 'allowed',
      }),
    ]);
    return { created: true, referral: withoutOutbox(referral) };
  }

  /** The population codes, the postcode's decile looked up once, here at intake. */
  private async population(intake: ReferralIntake, now: Date): Promise<PopulationCodes> {
    const postcode = intake.patient.postcode;
    const decile = postcode === undefined ? undefined : await this.facts.deprivation.decileOf(postcode);
    return populationCodes(intake.patient, decile, now);
  }

  private async replayed(
    original: ReferralDocument,
    requestFingerprint: string,
    actor: Actor,
  ): Promise<CreateResult> {
    if (original.requestFingerprint !== requestFingerprint)
      throw ReferralErrors.idempotencyKeyReused('referral');
    // Scheduling is idempotent (job ids derive from the referral): a retry repairs a lost schedule.
    if (original.status === 'requested') await this.deadlines.schedule(original._id, original);
    await this.audit.record({
      actor: actorRef(actor),
      action: 'referral.create.replayed',
      referralId: original._id,
      outcome: 'allowed',
    });
    return { created: false, referral: original };
  }
}

/** The patient as stored: the normalised NHS number and postcode, the codes as given (already checked). */
function storedPatient(patient: ReferralIntake['patient'], nhsNumber: string): ReferralPatient {
  const { sex, postcode, ethnicCategory } = patient;
  const formatted = postcode === undefined ? null : formatPostcode(postcode);
  return {
    nhsNumber,
    givenName: patient.givenName,
    familyName: patient.familyName,
    birthDate: patient.birthDate,
    ...(sex !== undefined && isSexCode(sex) ? { sex } : {}),
    ...(formatted !== null ? { postcode: formatted } : {}),
    ...(ethnicCategory !== undefined && isEthnicCategory(ethnicCategory) ? { ethnicCategory } : {}),
  };
}

function withoutOutbox(referral: ReferralDocument): ReferralDocument {
  const { outbox: _outbox, ...rest } = referral;
  return { ...rest, outbox: [] };
}

/** Key-order-independent hash of a JSON body. */
export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
