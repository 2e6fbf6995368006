import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@sp/errors';
import { CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { DirectoryLookup } from '../signals/directory-lookup';
import { ServiceSignalsUpdater } from '../signals/service-signals.updater';
import type { CapacitySignals } from '../signals/service-signals.port';
import { assertOrganisationAdmin } from '../trust/evidence.controller';
import { estimateWaitDays } from './domain/capacity.rules';
import { declareCapacityValidator } from './capacity.request';
import {
  ServiceCapacityRepository,
  signalsFromDoc,
  type ServiceCapacityDocument,
} from './service-capacity.repository';
import { DirectoryIdPipe } from '../hsds/directory-id.pipe';
import { actingPerson } from '../audit/acting-person';

function serviceNotFound(id: string): DomainError {
  return new DomainError('SERVICE.NOT_FOUND', `No service with id ${id}`, { status: 404 });
}

/** HSDS 3.1 service_capacity view plus the Gravity status and the live figures. */
function capacityView(
  serviceId: string,
  doc: ServiceCapacityDocument | null,
  signals: CapacitySignals | null,
) {
  return {
    serviceId,
    capacityStatus: signals?.status ?? null,
    service_capacity:
      signals && doc?.declared
        ? {
            id: `${serviceId}-capacity`,
            service_id: serviceId,
            unit: { id: signals.unit ?? 'places', name: signals.unit ?? 'places' },
            ...(signals.available !== undefined ? { available: signals.available } : {}),
            ...(signals.maximum !== undefined ? { maximum: signals.maximum } : {}),
            ...(doc.declared.description ? { description: doc.declared.description } : {}),
            updated: signals.updated,
          }
        : null,
    caseload: doc?.caseload ?? 0,
    waitlistLength: doc?.waitlist.length ?? 0,
    ...(signals?.teamHeadroom !== undefined ? { teamHeadroom: signals.teamHeadroom } : {}),
    ...(signals?.estimatedWaitDays !== undefined ? { estimatedWaitDays: signals.estimatedWaitDays } : {}),
    declared: doc?.declared ? declaredView(doc.declared) : null,
  };
}

/** Who declared is shown as the client; the person behind it stays in the record (audit). */
function declaredView(declared: NonNullable<ServiceCapacityDocument['declared']>) {
  const { updatedByPerson: _person, ...shown } = declared;
  return shown;
}

@ApiTags('capacity')
@ApiBearerAuth()
@Controller('v1/directory/services/:id')
export class CapacityController {
  constructor(
    private readonly directory: DirectoryLookup,
    private readonly capacity: ServiceCapacityRepository,
    private readonly updater: ServiceSignalsUpdater,
  ) {}

  @Get('capacity')
  @ApiOperation({
    summary: 'Declared capacity, live caseload, availability and capacity status of a service',
  })
  async get(@Param('id', new DirectoryIdPipe('services')) id: string) {
    if (!(await this.directory.service(id))) throw serviceNotFound(id);
    const doc = await this.capacity.find(id);
    return capacityView(id, doc, signalsFromDoc(doc));
  }

  @Put('capacity')
  @Roles('provider', 'link-worker', 'ops')
  @ApiOperation({ summary: "Declare a service's capacity (its organisation's admins, or ops)" })
  async put(
    @Param('id', new DirectoryIdPipe('services')) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const service = await this.directory.service(id);
    if (!service) throw serviceNotFound(id);
    const organisationId = service.organization_id ?? '';
    assertOrganisationAdmin(principal, organisationId);
    const request = declareCapacityValidator.parse(body, 'The capacity declaration is invalid');
    const person = actingPerson(principal);
    const now = new Date();
    await this.updater.declare(
      id,
      organisationId,
      {
        status: request.status,
        unit: request.unit ?? 'places',
        ...(request.maximum !== undefined ? { maximum: request.maximum } : {}),
        ...(request.description !== undefined ? { description: request.description } : {}),
        ...(request.typicalWaitDays !== undefined ? { typicalWaitDays: request.typicalWaitDays } : {}),
        updated: now.toISOString(),
        updatedBy: principal.clientId,
        ...(person ? { updatedByPerson: person } : {}),
      },
      now,
    );
    const doc = await this.capacity.find(id);
    return capacityView(id, doc, signalsFromDoc(doc));
  }

  /**
   * The waitlist: position and estimated wait of each waiting referral. The service's organisation
   * and ops see every referral id; a requester sees ids of its own referrals only (others appear
   * as positions); the estimate is ceil(position x 90 / places freed in the last 90 days), else the
   * declared typical wait.
   */
  @Get('waitlist')
  @ApiOperation({ summary: 'Waitlist of a full service with positions and estimated waits' })
  async waitlist(
    @Param('id', new DirectoryIdPipe('services')) id: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    const service = await this.directory.service(id);
    if (!service) throw serviceNotFound(id);
    const doc = await this.capacity.find(id);
    const sameOrganisation = principal.role === 'ops' || principal.organisationId === service.organization_id;
    const entries = (doc?.waitlist ?? []).map((w, i) => {
      const visible = sameOrganisation || w.requesterOrganisationId === principal.organisationId;
      const estimate = estimateWaitDays(i + 1, doc?.freedLast90Days ?? 0, doc?.declared?.typicalWaitDays);
      return {
        position: i + 1,
        ...(visible ? { referralId: w.referralId } : {}),
        waitingSince: w.submittedAt,
        ...(estimate !== undefined ? { estimatedWaitDays: estimate } : {}),
      };
    });
    const next = estimateWaitDays(
      entries.length + 1,
      doc?.freedLast90Days ?? 0,
      doc?.declared?.typicalWaitDays,
    );
    return {
      serviceId: id,
      length: entries.length,
      placesFreedLast90Days: doc?.freedLast90Days ?? 0,
      ...(next !== undefined ? { estimatedWaitDaysForNewReferral: next } : {}),
      entries,
    };
  }
}
