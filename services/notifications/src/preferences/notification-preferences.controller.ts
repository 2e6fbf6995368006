import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCodes, ValidationError } from '@sp/errors';
import { assertSameOrganisation, CurrentPrincipal, Roles, type Principal } from '@sp/identity';
import { CRITICAL_EMAIL_KINDS, type NotificationPreferences } from './domain/notification-preferences';
import { NotificationPreferencesRepository } from './notification-preferences.repository';
import { updatePreferencesBody } from './update-preferences/update-preferences.request';
import { UpdatePreferencesUseCase } from './update-preferences/update-preferences.use-case';

type PreferencesView = NotificationPreferences & { criticalKinds: string[] };

const ORGANISATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * An organisation's notification preferences: its own; operations any (?organisationId=). A
 * signed-in person changes them only as a team lead (a worker reads them).
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/notification-preferences')
export class NotificationPreferencesController {
  private readonly update: UpdatePreferencesUseCase;

  constructor(private readonly preferences: NotificationPreferencesRepository) {
    this.update = new UpdatePreferencesUseCase(preferences);
  }

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({ summary: "The organisation's notification preferences (defaults filled in)" })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Query('organisationId') organisationId?: string,
  ): Promise<PreferencesView> {
    const target = this.target(principal, organisationId);
    return view(await this.preferences.forOrganisation(target));
  }

  @Put()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary:
      "Replaces the organisation's notification preferences: email address override, email per event kind, daily digest, patient SMS quiet hours (422 names each broken rule)",
  })
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Body() raw: unknown,
    @Query('organisationId') organisationId?: string,
  ): Promise<PreferencesView> {
    const target = this.target(principal, organisationId);
    if (principal.person && principal.person.teamRole !== 'team-lead' && principal.role !== 'ops') {
      throw new DomainError(
        ErrorCodes.AUTH_FORBIDDEN,
        "Only a team lead changes the organisation's preferences",
        {
          status: 403,
        },
      );
    }
    const body = updatePreferencesBody.parse(raw);
    return view(await this.update.execute(target, body, principal.person?.sub ?? principal.clientId));
  }

  private target(principal: Principal, organisationId?: string): string {
    if (organisationId !== undefined && !ORGANISATION_ID.test(organisationId)) {
      throw new ValidationError('Invalid query', [
        { field: 'organisationId', code: 'pattern', message: 'organisationId must be an organisation id' },
      ]);
    }
    const target = organisationId ?? principal.organisationId;
    assertSameOrganisation(principal, target);
    return target;
  }
}

function view(preferences: NotificationPreferences): PreferencesView {
  return { ...preferences, criticalKinds: [...CRITICAL_EMAIL_KINDS] };
}
