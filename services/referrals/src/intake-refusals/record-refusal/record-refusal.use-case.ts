import { randomUUID } from 'node:crypto';
import type { FieldProblem } from '@sp/errors';
import type { OutboxRelay } from '@sp/messaging';
import type { PopulationCodes } from '../../domain/population';
import type { ReferralIntake } from '../../referrals/referral-operations';
import { refusedEvent } from '../../referrals/referral-events';
import { refusalIdFor, refusalReasons } from '../domain/refusal.rules';
import type { IntakeRefusalRepository } from '../intake-refusal.repository';

export interface RefusalInput {
  /** Every problem intake found; a refusal is recorded only when all are the target service's. */
  problems: FieldProblem[];
  intake: ReferralIntake;
  requesterOrganisationId: string;
  ownerOrganisationId?: string;
  population: PopulationCodes;
  idempotencyKey?: string;
}

export type RefusalOutcome = 'recorded' | 'already-recorded' | 'not-a-refusal';

/**
 * Records a referral refused at intake because its target service could not take it (no
 * capacity, not eligible, not active, organisation unavailable, unknown) as a PII-free fact with
 * its `referral.refused` event, through the transactional outbox. With an Idempotency-Key a retry
 * is the same refusal (recorded once); without one each refused attempt is a refusal.
 */
export class RecordRefusalUseCase {
  constructor(
    private readonly refusals: Pick<IntakeRefusalRepository, 'insertOnce'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  /** True when the problems make a refusal (callers ask before looking up the population codes). */
  isRefusal(problems: FieldProblem[], intake: ReferralIntake): boolean {
    return intake.targetServiceId !== undefined && refusalReasons(problems) !== null;
  }

  async execute(input: RefusalInput, now = new Date()): Promise<RefusalOutcome> {
    const reasonCodes = refusalReasons(input.problems);
    const { intake } = input;
    if (reasonCodes === null || intake.targetServiceId === undefined) return 'not-a-refusal';
    const refusalId = refusalIdFor(input.requesterOrganisationId, input.idempotencyKey, randomUUID);
    const facts = {
      requesterOrganisationId: input.requesterOrganisationId,
      requesterOdsCode: intake.requesterOdsCode,
      targetServiceId: intake.targetServiceId,
      ...(input.ownerOrganisationId !== undefined ? { ownerOrganisationId: input.ownerOrganisationId } : {}),
      needs: intake.needs,
      priority: intake.priority,
      reasonCodes,
      population: input.population,
    };
    const outcome = await this.refusals.insertOnce(
      { _id: refusalId, ...facts },
      refusedEvent({ refusalId, ...facts }, now),
      now,
    );
    if (outcome === 'exists') return 'already-recorded';
    this.relay.kick();
    return 'recorded';
  }
}
