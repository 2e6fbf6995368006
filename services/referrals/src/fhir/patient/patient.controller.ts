import { Controller, Get, Inject, Param, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@sp/errors';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import { actorRef } from '../../referrals/actor-ref';
import type { ReferralDocument } from '../../referrals/referral.entity';
import { REFERRAL_OPERATIONS, type ReferralOperations } from '../../referrals/referral-operations';
import { FhirHttpInterceptor } from '../fhir-http';
import type { Patient } from '../fhir.types';
import { PATIENT_ID, toPatient } from './patient-resource';

/** Nest injection token of the audit log the Patient read writes to (AuditLogRepository in the app). */
export const FHIR_AUDIT = Symbol('FHIR_AUDIT');
export type FhirAudit = Pick<AuditLogRepository, 'record'>;

function notFound(id: string): DomainError {
  return new DomainError('PATIENT.NOT_FOUND', `Patient ${id} not found`, { status: 404 });
}

/**
 * GET /fhir/Patient/:id. A caller sees a patient only through a referral it may see (its own as
 * requester or receiver, an open one it may claim, everything for ops: the same rule as for
 * ServiceRequest). Anything else, like an unknown id, is 404, so patient keys cannot be probed.
 * Each read is audited: `patient.read` allowed against the referral the details came from, or
 * denied against the id asked for (the referral search behind it also audits what it returned).
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/Patient')
@UseInterceptors(FhirHttpInterceptor)
export class PatientController {
  constructor(
    @Inject(REFERRAL_OPERATIONS) private readonly operations: ReferralOperations,
    @Inject(FHIR_AUDIT) private readonly audit: FhirAudit,
  ) {}

  @Get(':id')
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'Read a patient of a referral the caller may see (id: the pseudonymous key in Task.for)',
  })
  async read(@Param('id') id: string, @CurrentPrincipal() principal: OperationalPrincipal): Promise<Patient> {
    const doc = PATIENT_ID.test(id) ? await this.latestVisible(id, principal) : undefined;
    if (!doc) {
      await this.audit.record({
        actor: actorRef(principal),
        action: 'patient.read',
        // No referral to name: the entry names the patient id asked for (action patient.read).
        referralId: id.slice(0, 64),
        outcome: 'denied',
        code: 'PATIENT.NOT_FOUND',
      });
      throw notFound(id.slice(0, 64));
    }
    await this.audit.record({
      actor: actorRef(principal),
      action: 'patient.read',
      referralId: doc._id,
      outcome: 'allowed',
    });
    return toPatient(doc);
  }

  /** The most recently changed referral of this patient that the caller may see. */
  private async latestVisible(
    patientKey: string,
    principal: OperationalPrincipal,
  ): Promise<ReferralDocument | undefined> {
    // Searches come oldest first: ask how many there are, then read the last one.
    const first = await this.operations.search({ patientKey, count: 1, offset: 0 }, principal);
    if (first.total <= 1) return first.items[0];
    const last = await this.operations.search({ patientKey, count: 1, offset: first.total - 1 }, principal);
    return last.items[0] ?? first.items[0];
  }
}
