import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type OperationalPrincipal } from '@sp/identity';
import { schemaValidator } from '@sp/validation';
import { ReadPatientContactQuerySchema } from './read-patient-contact.request';
import { ReadPatientContactUseCase, type PatientContactView } from './read-patient-contact.use-case';

const query = schemaValidator(ReadPatientContactQuerySchema);

/**
 * Internal API for platform components (the notifications service): a patient's contact details
 * and whether they may be contacted. Everyone else gets 403, and every read is audited.
 */
@ApiTags('internal')
@ApiBearerAuth()
@Controller('internal/v1/referrals')
export class ReadPatientContactController {
  constructor(private readonly useCase: ReadPatientContactUseCase) {}

  @Get(':id/patient-contact')
  @ApiOperation({
    summary:
      "The patient's contact details (UK mobile, email), do-not-contact and consent, for the notifications service only (PATIENT_CONTACT_READERS); audited",
  })
  @ApiQuery({ name: 'purpose', required: true, enum: ['patient-notification'] })
  async read(
    @Param('id') referralId: string,
    @Query() raw: Record<string, unknown>,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<PatientContactView> {
    const { purpose } = query.parse(raw, 'Invalid query');
    return this.useCase.execute({ referralId, actor: principal, purpose });
  }
}
