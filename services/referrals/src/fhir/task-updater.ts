import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@sp/errors';
import type { OperationalPrincipal } from '@sp/identity';
import type { ReferralDocument } from '../referrals/referral.entity';
import { REFERRAL_OPERATIONS, type ReferralOperations } from '../referrals/referral-operations';
import { taskExpression, withExpressions } from './fhir-http';
import { planTaskUpdate } from './task-update';

function versionMismatch(expected: number, current: number): DomainError {
  return new DomainError(
    'REFERRAL.VERSION_MISMATCH',
    `The Task is at version ${current}, not ${expected}: read it again before changing it`,
    { status: 412 },
  );
}

/**
 * A Task update (PATCH, PUT, or the Task entry of a transaction) carried into ReferralOperations:
 * the referral as the caller may see it, checked against If-Match, then the planned claim or move
 * guarded by the version it was planned on. `expression` names problems where the client put
 * them (the Task's own FHIRPath by default).
 */
@Injectable()
export class FhirTaskUpdater {
  constructor(@Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations) {}

  /** The referral as the caller may see it, checked against If-Match before any work. */
  async current(
    id: string,
    principal: OperationalPrincipal,
    expected: number | undefined,
  ): Promise<ReferralDocument> {
    const doc = await this.operations.get(id, principal);
    if (expected !== undefined && expected !== doc.version) throw versionMismatch(expected, doc.version);
    return doc;
  }

  async apply(
    doc: ReferralDocument,
    updated: Record<string, unknown>,
    mode: 'patch' | 'put',
    principal: OperationalPrincipal,
    expression: (field: string) => string = (field) => field,
  ): Promise<ReferralDocument> {
    return withExpressions(
      (field) => expression(taskExpression(field)),
      async () => {
        const plan = planTaskUpdate(doc, updated, mode);
        // The version the change was computed against: a concurrent change in between is a 412.
        const expectedVersion = doc.version;
        if (plan.claimServiceId !== undefined)
          return this.operations.claim({
            referralId: doc._id,
            actor: principal,
            serviceId: plan.claimServiceId,
            expectedVersion,
          });
        const move = plan.transition;
        if (!move) return doc;
        return this.operations.transition({
          referralId: doc._id,
          actor: principal,
          expectedVersion,
          ...move,
        });
      },
    );
  }
}
