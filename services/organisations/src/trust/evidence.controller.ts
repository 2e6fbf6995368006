import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVIDENCE_TYPES } from '@sp/contracts';
import { DomainError, ErrorCodes } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { AssuranceService } from './assurance.service';
import type { AssuranceDocument } from './assurance.repository';
import { parseEvidence, parseEvidenceType } from './evidence.request';
import { DirectoryIdPipe } from '../hsds/directory-id.pipe';
import { actingPerson } from '../audit/acting-person';

/** Organisation admins: the organisation's own provider and link-worker clients. */
export function assertOrganisationAdmin(principal: Principal, organisationId: string): void {
  if (principal.role === 'ops') return;
  if (
    (principal.role === 'provider' || principal.role === 'link-worker') &&
    principal.organisationId === organisationId
  )
    return;
  throw new DomainError(
    ErrorCodes.AUTH_FORBIDDEN,
    "Only the organisation's admins or operations may do this",
    {
      status: 403,
    },
  );
}

function view(organisationId: string, doc: AssuranceDocument | null) {
  return {
    organisationId,
    requiredEvidence: EVIDENCE_TYPES,
    evidence: doc?.evidence ?? {},
    pending: doc?.pending ?? {},
    verification: doc?.verification ?? null,
  };
}

/**
 * Assurance evidence of an organisation. Flow: operations records verified evidence directly
 * (PUT, verifiedBy = the ops client); an organisation admin may PUT too, which is held as
 * *pending* (it changes nothing until operations verifies it with POST .../{type}/verify), so a
 * renewal never unverifies the organisation in between. Operations revoke with DELETE.
 */
@ApiTags('trust')
@ApiBearerAuth()
@Controller('v1/directory/organizations/:id/evidence')
export class EvidenceController {
  constructor(private readonly assurance: AssuranceService) {}

  @Get()
  @Roles('provider', 'link-worker', 'ops')
  @ApiOperation({ summary: "The organisation's assurance evidence and verification (its admins and ops)" })
  async get(
    @Param('id', new DirectoryIdPipe('organizations')) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    assertOrganisationAdmin(principal, id);
    await this.assurance.requireOrganisation(id);
    return view(id, await this.assurance.current(id));
  }

  @Put(':type')
  @Roles('provider', 'link-worker', 'ops')
  @ApiOperation({
    summary:
      'Record evidence: verified when ops records it, pending verification when an org admin submits it',
  })
  async put(
    @Param('id', new DirectoryIdPipe('organizations')) id: string,
    @Param('type') typeText: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    assertOrganisationAdmin(principal, id);
    const type = parseEvidenceType(typeText);
    const now = new Date();
    const request = parseEvidence(type, body, now);
    const person = actingPerson(principal);
    await this.assurance.requireOrganisation(id);
    const doc =
      principal.role === 'ops'
        ? await this.assurance.recordVerified(
            id,
            type,
            {
              reference: request.reference,
              verifiedBy: principal.clientId,
              ...(person ? { verifiedByPerson: person } : {}),
              verifiedAt: now.toISOString(),
              ...(request.expiresAt ? { expiresAt: new Date(request.expiresAt).toISOString() } : {}),
              status: 'current',
            },
            now,
          )
        : await this.assurance.submitPending(
            id,
            type,
            {
              reference: request.reference,
              ...(request.expiresAt ? { expiresAt: new Date(request.expiresAt).toISOString() } : {}),
              submittedBy: principal.clientId,
              ...(person ? { submittedByPerson: person } : {}),
              submittedAt: now.toISOString(),
            },
            now,
          );
    return view(id, doc);
  }

  @Post(':type/verify')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Operations verify a pending submission' })
  async verify(
    @Param('id', new DirectoryIdPipe('organizations')) id: string,
    @Param('type') typeText: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const type = parseEvidenceType(typeText);
    await this.assurance.requireOrganisation(id);
    return view(
      id,
      await this.assurance.verifyPending(id, type, principal.clientId, new Date(), actingPerson(principal)),
    );
  }

  @Delete(':type')
  @Roles('ops')
  @ApiOperation({ summary: 'Operations revoke evidence (the organisation becomes unverified)' })
  async revoke(
    @Param('id', new DirectoryIdPipe('organizations')) id: string,
    @Param('type') typeText: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const type = parseEvidenceType(typeText);
    await this.assurance.requireOrganisation(id);
    return view(
      id,
      await this.assurance.revoke(id, type, principal.clientId, new Date(), actingPerson(principal)),
    );
  }
}
