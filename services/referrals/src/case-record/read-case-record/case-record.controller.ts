import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type OperationalPrincipal } from '@sp/identity';
import { ReadCaseRecordUseCase, type CaseRecordView } from './read-case-record.use-case';

@ApiTags('case record')
@ApiBearerAuth()
@Controller('v1/referrals/:id/case-record')
export class CaseRecordController {
  constructor(private readonly read: ReadCaseRecordUseCase) {}

  @Get()
  @Roles('referrer', 'link-worker', 'provider', 'ops')
  @ApiOperation({
    summary: 'The whole case record of a referral',
    description:
      'Contacts, notes, what matters, needs, plan and wellbeing in one read, for the organisation holding the referral (403 CASE_RECORD.FORBIDDEN for the referrer, 404 for anyone else). After consent withdrawal: readOnly, free text removed.',
  })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: OperationalPrincipal,
  ): Promise<CaseRecordView> {
    return this.read.execute(id, principal);
  }
}
