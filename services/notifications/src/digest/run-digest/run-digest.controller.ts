import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@sp/errors';
import { Roles } from '@sp/identity';
import { RunDigestUseCase, type DigestRunResult } from './run-digest.use-case';

const ORGANISATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Operations: run the daily digest now (all organisations that chose it, or one). */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/ops/digest')
export class RunDigestController {
  constructor(private readonly digest: RunDigestUseCase) {}

  @Post('run')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({
    summary:
      "Runs the daily digest now (?organisationId= for one organisation); one digest per organisation per London day, so today's already sent ones are not sent again",
  })
  async run(@Query('organisationId') organisationId?: string): Promise<DigestRunResult> {
    if (organisationId !== undefined && !ORGANISATION_ID.test(organisationId)) {
      throw new ValidationError('Invalid query', [
        { field: 'organisationId', code: 'pattern', message: 'organisationId must be an organisation id' },
      ]);
    }
    return this.digest.execute(new Date(), organisationId);
  }
}
