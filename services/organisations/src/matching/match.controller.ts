import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PostcodeResolver } from '../postcodes/postcode-resolver';
import type { MatchOutcome } from './domain/ranking';
import { MatchServices } from './match-services.use-case';
import { parseMatchRequest } from './match.request';

/**
 * Matching for any authenticated client: eligible, verified, active services ranked by fit,
 * distance, capacity and trust, each with the reasons for its place (see domain/ranking.ts).
 */
@ApiTags('matching')
@ApiBearerAuth()
@Controller('v1/directory/match')
export class MatchController {
  constructor(
    private readonly matching: MatchServices,
    private readonly postcodes: PostcodeResolver,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rank the services that can meet these needs here, with reasons' })
  async match(
    @Body() body: unknown,
  ): Promise<
    MatchOutcome & { origin: { latitude: number; longitude: number; postcode?: string }; radiusKm: number }
  > {
    const request = parseMatchRequest(body);
    const origin = request.postcode
      ? await this.postcodes.resolveOrReject(request.postcode, 'postcode')
      : request.location!;
    const radiusKm = request.radiusKm ?? 25;
    const outcome = await this.matching.match({
      needs: [...new Set(request.needs)],
      origin: { latitude: origin.latitude, longitude: origin.longitude },
      ...(request.age !== undefined ? { age: request.age } : {}),
      ...(request.language !== undefined ? { language: request.language } : {}),
      radiusKm,
      limit: request.limit ?? 20,
    });
    return { origin, radiusKm, ...outcome };
  }
}
