import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@sp/identity';
import { metricsRegistry } from '@sp/observability';

@ApiTags('health')
@Controller()
export class MetricsController {
  @Public()
  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  async metrics(@Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    const text = await metricsRegistry.metrics();
    res.setHeader('Content-Type', metricsRegistry.contentType);
    return text;
  }
}
