import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Roles } from '@sp/identity';
import { DescribeReadModels, type ReadModelsView } from './describe-read-models.use-case';
import { StartRebuild } from './start-rebuild.use-case';

/** Operator endpoints over the analytics read models: their generations and rebuilds. */
@ApiTags('ops')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or invalid access token' })
@ApiForbiddenResponse({ description: 'The caller does not have the ops role' })
@Roles('ops')
@Controller('v1/ops/read-models')
export class ReadModelsController {
  constructor(
    @Inject(StartRebuild) private readonly startRebuild: StartRebuild,
    @Inject(DescribeReadModels) private readonly describeReadModels: DescribeReadModels,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Read-model generations, their document counts and a running rebuild’s progress' })
  @ApiOkResponse({ description: 'Active, previous and building generations; progress per partition' })
  describe(): Promise<ReadModelsView> {
    return this.describeReadModels.execute();
  }

  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Rebuild every read model into a new generation by replaying the topics from the first offset; reads switch to it once it has caught up',
  })
  @ApiAcceptedResponse({ description: 'The generation being built' })
  @ApiConflictResponse({ description: 'A rebuild is already running (READ_MODEL_REBUILD.CONFLICT)' })
  async rebuild(): Promise<{
    building: number;
    active: number;
    buildingSince: string;
    rebuildGroupId: string;
  }> {
    const state = await this.startRebuild.execute();
    return {
      building: state.building,
      active: state.active,
      buildingSince: (state.buildingSince ?? new Date()).toISOString(),
      rebuildGroupId: state.rebuildGroupId ?? '',
    };
  }
}
