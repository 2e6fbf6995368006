import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@sp/identity';
import { HealthRegistry, type HealthCheckResult } from './health-registry';

export interface ReadinessBody {
  status: 'ready' | 'not-ready';
  checks: Record<string, HealthCheckResult>;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process and its event loop run' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['live'] } } } })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 200 only when every dependency check passes (database, Redis, Kafka consumer)',
  })
  @ApiOkResponse({ description: 'All checks pass' })
  @ApiServiceUnavailableResponse({ description: 'At least one check failed; `checks` says which' })
  async ready(@Res({ passthrough: true }) res: ServerResponse): Promise<ReadinessBody> {
    const report = await this.registry.run();
    res.statusCode = report.ok ? 200 : 503;
    return { status: report.ok ? 'ready' : 'not-ready', checks: report.checks };
  }
}
