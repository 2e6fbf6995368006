import { createHash, randomUUID } from 'node:crypto';
import { createEnvelope, ReferralSubmittedV1 } from '@sp/contracts';
import { DomainError, ValidationError } from '@sp/errors';
import { eventMetaFromContext, outboxInsertFields, type OutboxRelay } from '@sp/messaging';
import { schemaValidator } from '@sp/validation';
import type { Actor } from '../../domain/referral-intake.rules';
import { intakeProblems } from '../../domain/referral-intake.rules';
import { normaliseNhsNumber } from '../../domain/nhs-number';
import { patientKeyFor } from '../../domain/patient-key';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import type { ReferralDocument } from '../referral.entity';
import { ReferralRepository } from '../referral.repository';
import { CreateReferralRequestSchema } from './create-referral.request';

const validator = schemaValidator(CreateReferralRequestSchema);
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface CreateReferralCommand {
  body: unknown;
  actor: Actor;
  idempotencyKey?: string;
}

export interface CreateReferralResult {
  created: boolean;
  referral: ReferralDocument;
}

/**
 * Intake: validate shape then rules (every problem named, nothing stored on failure), then write
 * the referral and its `referral.submitted` event in one insert. A retried post with the same
 * Idempotency-Key returns the original referral and publishes nothing new.
 */
export class CreateReferralUseCase {
  constructor(
    private readonly referrals: ReferralRepository,
    private readonly audit: AuditLogRepository,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly patientKeySecret: string,
    private readonly source = '/services/referrals',
  ) {}

  async execute(command: CreateReferralCommand, now = new Date()): Promise<CreateReferralResult> {
    if (command.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(command.idempotencyKey)) {
      throw new ValidationError('The Idempotency-Key header is invalid', [
        {
          field: 'Idempotency-Key',
          code: 'invalid_format',
          message: '8-128 characters of A-Z a-z 0-9 . _ : -',
        },
      ]);
    }
    const request = validator.parse(command.body);
    const problems = intakeProblems(request, command.actor, now);
    if (problems.length > 0) throw new ValidationError('The referral is invalid', problems);

    const id = randomUUID();
    const nhsNumber = normaliseNhsNumber(request.patient.nhsNumber);
    const patientKey = patientKeyFor(nhsNumber, this.patientKeySecret);
    const event = createEnvelope(
      ReferralSubmittedV1,
      {
        referralId: id,
        requesterOrganisationId: command.actor.organisationId,
        requesterOdsCode: request.requesterOdsCode,
        targetServiceId: request.targetServiceId,
        needs: request.needs,
        priority: request.priority,
        status: 'requested',
        patientKey,
        occurredAt: now.toISOString(),
      },
      eventMetaFromContext(this.source),
    );
    const referral: ReferralDocument = {
      _id: id,
      status: 'requested',
      requesterOrganisationId: command.actor.organisationId,
      requesterOdsCode: request.requesterOdsCode,
      targetServiceId: request.targetServiceId,
      needs: request.needs,
      priority: request.priority,
      patient: { ...request.patient, nhsNumber },
      patientKey,
      consent: { ...request.consent, recordedAt: new Date(request.consent.recordedAt) },
      doNotContact: request.doNotContact ?? false,
      idempotencyKey: command.idempotencyKey ?? `auto:${id}`,
      requestFingerprint: fingerprint(command.body),
      createdAt: now,
      updatedAt: now,
      version: 1,
      history: [
        {
          at: now,
          by: { clientId: command.actor.clientId, organisationId: command.actor.organisationId },
          from: null,
          to: 'requested',
        },
      ],
      ...outboxInsertFields([event]),
    };

    const result = await this.referrals.insert(referral);
    if (result.created) this.relay.kick(); // publish now rather than at the next poll
    if (!result.created && result.referral.requestFingerprint !== referral.requestFingerprint) {
      throw new DomainError(
        'REFERRAL.IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different referral',
        {
          status: 422,
          problems: [
            { field: 'Idempotency-Key', code: 'reused', message: 'Send a new key for a different request' },
          ],
        },
      );
    }
    await this.audit.record({
      actor: {
        clientId: command.actor.clientId,
        organisationId: command.actor.organisationId,
        role: command.actor.role,
      },
      action: result.created ? 'referral.create' : 'referral.create.replayed',
      referralId: result.referral._id,
      outcome: 'allowed',
    });
    return result;
  }
}

/** Key-order-independent hash of a JSON body. */
function fingerprint(body: unknown): string {
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
  return JSON.stringify(value);
}
